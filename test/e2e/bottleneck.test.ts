// The synthetic softmax-bottleneck experiment in the page, in the system Chromium on SwiftShader:
// a link opens the tab and runs the sweep in its worker; the table and the three metric-against-d
// plots fill in; the address reopens the same settings; Stop ends a sweep and keeps its rows.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { defaultPresetName } from '../../src/experiments/presets';
import { collectPageErrors, repoRoot, usePageSession } from '../helpers/browser';

const heads = JSON.stringify([{ kind: 'softmax' }, { kind: 'plif', pieces: 64 }, { kind: 'mos', components: 3 }]);
const link = `?v=2&preset=bottleneck-synthetic&contexts=16&vocab=16&dims=[2,8]&steps=30&heads=${encodeURIComponent(heads)}&seed=4&run=1`;

const session = usePageSession();

/** x and y of each trace of the plot whose label starts with `label`, from Plotly's data on the element. */
async function traces(page: Page, label: string): Promise<Array<{ name: string; x: number[]; y: number[] }>> {
  return page.evaluate((prefix) => {
    const plot = document.querySelector(`[aria-label^="${prefix}"]`) as
      | (HTMLElement & { data?: Array<{ name: string; x: number[]; y: number[] }> })
      | null;
    return (plot?.data ?? []).map(({ name, x, y }) => ({ name, x: [...x], y: [...y] }));
  }, label);
}

describe('the synthetic bottleneck page', () => {
  it('runs the sweep from a link, plots each metric against d, and reopens from the address', async () => {
    const page = await session.browser.context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${session.server.url}${link}`);
    expect(await page.getByRole('tab', { name: 'Synthetic softmax bottleneck' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    const status = page.getByTestId('bottleneck-status');
    await status.filter({ hasText: 'Finished — 6 / 6 fits' }).waitFor({ timeout: 240_000 });

    const table = page.getByTestId('bottleneck-table');
    expect(await table.locator('caption').innerText()).toMatch(/N = 16, V = 16, rank\(log p\*\) = 16/);
    const cells = await table.locator('tbody td').allInnerTexts();
    expect(cells).toHaveLength(6);
    for (const cell of cells) expect(cell).toMatch(/^\d+\.\d %\s+KL \d+\.\d{3} · \d+ ms\/step$/);

    await expect.poll(() => traces(page, 'Mode-matching accuracy'), { timeout: 60_000 }).toHaveLength(3);
    for (const trace of await traces(page, 'Mode-matching accuracy')) {
      expect(trace.x).toEqual([2, 8]);
      for (const y of trace.y) expect(y).toBeGreaterThanOrEqual(0);
    }
    expect((await traces(page, 'KL(p* ‖ q)')).map((t) => t.name)).toEqual(['softmax', 'PLIF K=64', 'MoS K=3']);
    expect((await traces(page, 'Cross-entropy')).at(-1)?.name).toBe('H(p*) (lowest possible)');
    await page.screenshot({ path: join(repoRoot, 'test-artifacts', 'bottleneck.png'), fullPage: true });

    // The address holds the sweep (no longer set to start on open); the other tab has its own address.
    const shared = page.url();
    expect(decodeURIComponent(shared)).toMatch(/preset=bottleneck-synthetic.*dims=\[2,8\]/);
    expect(shared).not.toMatch(/[?&]run=1/);
    await page.getByRole('tab', { name: 'Sequence models' }).click();
    await expect.poll(() => page.url()).toContain(`preset=${defaultPresetName}`);
    await page.getByRole('tab', { name: 'Synthetic softmax bottleneck' }).click();
    await expect.poll(() => page.url()).toBe(shared);

    const fresh = await session.browser.context.newPage();
    await fresh.goto(shared);
    await fresh.getByLabel('Steps per fit', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await fresh.getByLabel('Steps per fit', { exact: true }).inputValue()).toBe('30');
    expect(await fresh.getByLabel('Hidden sizes d (comma-separated)').inputValue()).toBe('2, 8');
    expect(await fresh.getByLabel('PLIF pieces K').inputValue()).toBe('64');
    expect(await fresh.getByTestId('bottleneck-status').innerText()).toBe('Not started');
    await fresh.close();

    // A long sweep stops on request and keeps the fits it finished.
    const steps = page.getByLabel('Steps per fit', { exact: true });
    await steps.fill('100000');
    await steps.press('Enter');
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await status.filter({ hasText: /step \d+ \/ 100000/ }).waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Stop' }).click();
    await status.filter({ hasText: 'Stopped — 0 / 6 fits' }).waitFor({ timeout: 60_000 });
    expect(errors).toEqual([]);
  }, 420_000);
});
