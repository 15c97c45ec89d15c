// The playground as a newcomer uses it, in the system Chromium on SwiftShader: open a shared link,
// train the softmax-vs-vMF comparison, watch both curves grow, reopen the link in a fresh page,
// reload and find the experiment in the history. Sizes are tiny so the run takes seconds.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeResults } from '../../src/app/share/results';
import { resolvePreset } from '../../src/experiments/presets';
import type { RunRecord } from '../../src/train/record';
import { collectPageErrors, repoRoot, usePageSession } from '../helpers/browser';

const artifacts = join(repoRoot, 'test-artifacts');
const link =
  '?v=1&preset=tiny-demo&dataset=synthetic-copy&data.sourceVocab=16&data.targetVocab=16&data.maxLength=4' +
  '&train.steps=16&train.evalEvery=8&train.logEvery=2&train.dataSeed=3&train.initSeed=5';

const session = usePageSession();
beforeAll(() => mkdirSync(artifacts, { recursive: true }));

/** Points per trace of the training-loss plot, read from Plotly's own data on the element. */
async function lossPoints(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const plot = document.querySelector('[aria-label^="Training loss"]') as
      | (HTMLElement & { data?: { x: unknown[] }[] })
      | null;
    const graph = plot?.querySelector('.js-plotly-plot') as (HTMLElement & { data?: { x: unknown[] }[] }) | null;
    return (graph?.data ?? plot?.data ?? []).map((trace) => trace.x.length);
  });
}

async function fieldValue(page: Page, label: string): Promise<string> {
  return page.getByLabel(label, { exact: true }).inputValue();
}

describe('the playground', () => {
  it('trains softmax vs NLLvMF from a link, restores the link in a fresh page, keeps history across a reload', async () => {
    const page = await session.browser.context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${session.server.url}${link}`);
    await page.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 60_000 });
    expect(await fieldValue(page, 'Steps')).toBe('16');
    expect(await fieldValue(page, 'Dataset')).toBe('synthetic-copy');
    expect(await fieldValue(page, 'Data seed')).toBe('3');

    await page.getByRole('button', { name: 'Start training' }).press('Enter');
    const status = page.getByTestId('training-status');
    await status.filter({ hasText: /step ([4-9]|1\d)/ }).waitFor({ timeout: 120_000 });
    await expect
      .poll(() => lossPoints(page), { timeout: 60_000 })
      .toSatisfy((points: number[]) => points.length === 2 && points.every((n) => n >= 2));
    const early = await lossPoints(page);
    await status.filter({ hasText: 'Finished' }).waitFor({ timeout: 180_000 });
    const final = await lossPoints(page);
    expect(
      final.every((n, i) => n > early[i]!),
      `points ${early} → ${final}`,
    ).toBe(true);
    // The worker read its kernels from IndexedDB, or started on the adapter's defaults where no earlier
    // page had timed them; then, with the comparison over, it timed them and stored them there.
    expect(await page.getByTestId('training-kernels').innerText()).toMatch(
      /^Kernels on this GPU: matmul: register \((adapter default|cached)[^)]*\); top-k search: matmul \((adapter default|cached)/,
    );
    const storedChoices = () =>
      page.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const open = indexedDB.open('continuum-kernels');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const count = open.result.transaction('choices').objectStore('choices').count();
              count.onsuccess = () => resolve(count.result);
              count.onerror = () => reject(count.error);
            };
          }),
      );
    await expect.poll(storedChoices, { timeout: 120_000, interval: 500 }).toBe(2);
    // The finished runs are the settings' own, so their results can be shared.
    expect(await page.getByRole('button', { name: 'Share results' }).count()).toBe(1);
    // The CLI's summary table, one row per run: finished at step 16 with its last evaluation's figures.
    const rows = page.getByTestId('summary-table').locator('tbody tr');
    expect(await rows.count()).toBe(2);
    for (let i = 0; i < 2; i++) {
      const cells = await rows.nth(i).locator('th, td').allInnerTexts();
      expect(cells.slice(1, 3)).toEqual(['finished', '16']);
      expect(cells[5]).toMatch(/^\d+\.\d$/); // acc@1
    }
    await page.getByRole('heading', { name: 'Decoded samples' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, 'playground.png'), fullPage: true });

    // The address bar holds the experiment: a fresh page opens the same configuration.
    const shared = page.url();
    expect(shared).toContain('train.steps=16');
    const fresh = await session.browser.context.newPage();
    await fresh.goto(shared);
    await fresh.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 60_000 });
    expect(await fieldValue(fresh, 'Steps')).toBe('16');
    expect(await fieldValue(fresh, 'Init seed')).toBe('5');
    expect(await fresh.locator('.head-label').allInnerTexts()).toEqual(
      await page.locator('.head-label').allInnerTexts(),
    );
    await fresh.close();

    // A reload keeps the finished comparison in the history.
    await page.reload();
    const history = page.getByRole('region', { name: 'Saved experiments' });
    await history.getByText('tiny-demo', { exact: false }).first().waitFor({ timeout: 30_000 });
    expect(await history.innerText()).toMatch(/finished/);
    expect(errors).toEqual([]);
  }, 420_000);

  it('opens a results link read-only, and re-runs the experiment from it', async () => {
    const page = await session.browser.context.newPage();
    const errors = collectPageErrors(page);
    const finished = (label: string, loss: number): RunRecord => {
      const { config } = resolvePreset('tiny-demo').runs[0]!;
      return {
        format: 'continuum-run',
        formatVersion: 1,
        label,
        config: { ...config, dataset: 'synthetic-copy' },
        adapter: 'Adapter: elsewhere / a real GPU',
        startedAt: '2026-11-30T10:00:00.000Z',
        status: 'finished',
        metrics: [{ step: 16, wallMs: 900, tokens: 400, loss, learningRate: 1e-3 }],
        evals: [{ step: 16, wallMs: 950, validLoss: loss, accuracy1: 0.5, accuracy5: 0.9, bleu: 12.5 }],
      };
    };
    await page.goto(
      `${session.server.url}${link}#${encodeResults([finished('head: softmax', 1.25), finished('head: vmf', 2.5)])}`,
    );
    const banner = page.getByTestId('shared-results');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.innerText()).toMatch(
      /Shared results, read-only\. 2 runs measured on elsewhere \/ a real GPU, started 2026-11-30/,
    );
    const cells = await page.getByTestId('summary-table').locator('tbody tr').first().locator('th, td').allInnerTexts();
    expect(cells.slice(0, 4)).toEqual(['head: softmax', 'finished', '16', '1.250']);
    expect(await page.getByLabel('Steps', { exact: true }).isDisabled()).toBe(true);
    // A reload keeps the results in the address.
    expect(page.url()).toContain('#results=');

    await banner.getByRole('button', { name: 'Re-run this experiment' }).click();
    await page
      .getByTestId('training-status')
      .filter({ hasText: /step \d+/ })
      .waitFor({ timeout: 120_000 });
    expect(await banner.count()).toBe(0);
    expect(page.url()).not.toContain('#results=');
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('picks a random target table or a mix in the settings, and the address bar carries either', async () => {
    const page = await session.browser.context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${session.server.url}?preset=tiny-demo`);
    await page.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 60_000 });
    const source = page.getByLabel('Target embeddings', { exact: true });
    const dimension = page.getByLabel('Embedding dimension', { exact: true });
    const weight = page.getByLabel('Pretrained weight α in a mix with random rows (1 = no mix)', { exact: true });
    await source.selectOption('random-sphere');
    await expect.poll(() => page.url()).toContain('embeddings.source=random-sphere');
    expect(await dimension.isDisabled()).toBe(false);
    expect(await weight.isDisabled()).toBe(true);
    await dimension.fill('48');
    await dimension.press('Enter');
    await expect.poll(() => page.url()).toContain('embeddings.dimension=48');

    await source.selectOption('in-app');
    await weight.fill('0.5');
    await weight.press('Enter');
    await expect.poll(() => page.url()).toContain('embeddings.pretrainedWeight=0.5');
    const fresh = await session.browser.context.newPage();
    await fresh.goto(page.url());
    await fresh.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 60_000 });
    expect(await fieldValue(fresh, 'Target embeddings')).toBe('in-app');
    expect(await fieldValue(fresh, 'Pretrained weight α in a mix with random rows (1 = no mix)')).toBe('0.5');
    await fresh.close();
    expect(errors).toEqual([]);
  }, 180_000);

  it('labels every control and keeps them reachable by keyboard', async () => {
    const page = await session.browser.context.newPage();
    await page.goto(session.server.url);
    // The page without a link, as a reader first sees it: the recorded comparison, its samples' token buttons included.
    await page.getByTestId('shared-results').waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 60_000 });
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('input, select, textarea, button')]
        .filter((el) => {
          const labelled =
            (el as HTMLInputElement).labels?.length ||
            el.getAttribute('aria-label') ||
            el.getAttribute('aria-labelledby') ||
            el.getAttribute('title');
          const text = el.tagName === 'BUTTON' ? (el.textContent ?? '').trim() : '';
          return !labelled && !text;
        })
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    expect(unlabelled).toEqual([]);
    const unreachable = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('input, select, button')]
        .filter((el) => el.tabIndex < 0)
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    expect(unreachable).toEqual([]);
  }, 120_000);
});
