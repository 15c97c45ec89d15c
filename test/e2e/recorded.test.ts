// The page without a link opens on the answer: the recorded comparison shipped in
// public/results/kjv-web.json, read-only, labelled with its adapter, date and commit, with its results
// table, curves and samples. "Train it yourself" trains it live at the size this adapter manages
// (kjv-web-live on SwiftShader); "Edit settings" gives the normal page; a link always wins, and a
// missing file opens the default quietly.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { resolvePreset } from '../../src/experiments/presets';
import { parseRunFile } from '../../src/train/record';
import { collectPageErrors, repoRoot, usePageSession } from '../helpers/browser';

const session = usePageSession();
const shipped = (() => {
  const parsed = parseRunFile(readFileSync(join(repoRoot, 'public/results/kjv-web.json'), 'utf8'));
  if (!parsed.ok || !parsed.value.stamp)
    throw new Error(`public/results/kjv-web.json: ${parsed.ok ? 'no stamp' : parsed.error}`);
  return { ...parsed.value, stamp: parsed.value.stamp };
})();
const live = resolvePreset('kjv-web-live');

async function openBare(page: Page): Promise<void> {
  await page.goto(session.server.url);
  await page.getByTestId('shared-results').waitFor({ timeout: 90_000 });
}

// The tests share one browser profile (and its history): the one that trains comes after the one that checks the
// history.
describe('the page without a link', () => {
  it('gives the normal page from "Edit settings", without filing the recorded runs as local ones', async () => {
    const page = await session.browser.context.newPage();
    const errors = collectPageErrors(page);
    try {
      await openBare(page);
      await page.getByRole('button', { name: 'Edit settings' }).click();
      expect(await page.getByTestId('shared-results').count()).toBe(0);
      expect(await page.getByLabel('Steps', { exact: true }).isDisabled()).toBe(false);
      expect(await page.getByLabel('Steps', { exact: true }).inputValue()).toBe(String(live.base.train.steps));
      // The recorded runs stay on screen to compare against, and the address now holds the settings.
      expect(await page.getByTestId('summary-table').locator('tbody tr').count()).toBe(shipped.runs.length);
      await expect.poll(() => page.url()).toContain('preset=kjv-web-live');
      await page.waitForTimeout(3000); // longer than an autosave interval
      await page.reload();
      await page.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 90_000 });
      await page.getByRole('heading', { name: 'Saved experiments' }).waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('shared-results').count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Open / }).count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 240_000);

  it('shows the recorded comparison read-only, then trains it live from "Train it yourself"', async () => {
    const page = await session.browser.context.newPage();
    const errors = collectPageErrors(page);
    try {
      await openBare(page);
      const stamp = await page.getByTestId('recorded-stamp').innerText();
      const { adapter, date, commit, title } = shipped.stamp;
      expect(stamp).toBe(
        `Recorded comparison: ${title} · ${adapter.replace(/^Adapter: /, '')} · ${date.slice(0, 10)} · commit ${commit}`,
      );
      // On SwiftShader the live version is the smaller preset, with the time measured for it.
      expect(await page.getByTestId('recorded-estimate').innerText()).toMatch(
        /software one .*preset kjv-web-live: about 4 minutes/,
      );
      // The CLI's results table, one row per recorded run, and what each run decoded.
      const rows = page.getByTestId('summary-table').locator('tbody tr');
      expect(await rows.count()).toBe(shipped.runs.length);
      expect(await rows.locator('th').allInnerTexts()).toEqual(shipped.runs.map((run) => run.label));
      const sample = shipped.runs[0]!.evals.at(-1)!.samples![0]!;
      await page.getByRole('cell', { name: sample.reference, exact: true }).first().waitFor({ timeout: 30_000 });
      await page.locator('[aria-label^="Training loss"] .main-svg').first().waitFor({ timeout: 60_000 });
      // Read-only, and the address stays bare so a reload opens the recorded view again.
      expect(await page.getByLabel('Steps', { exact: true }).isDisabled()).toBe(true);
      expect(new URL(page.url()).search).toBe('');
      expect(await page.getByTestId('training-status').innerText()).toBe(
        'Finished — step ' +
          Math.max(...shipped.runs.map((r) => r.metrics.at(-1)!.step)) +
          ' / ' +
          Math.max(...shipped.runs.map((r) => r.config.train.steps)),
      );

      mkdirSync(join(repoRoot, 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: join(repoRoot, 'test-artifacts', 'recorded.png') });

      await page.getByRole('button', { name: 'Train it yourself' }).click();
      await page
        .getByTestId('training-status')
        .filter({ hasText: /Preparing|Training/ })
        .waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('shared-results').count()).toBe(0);
      expect(await page.getByLabel('Steps', { exact: true }).inputValue()).toBe(String(live.base.train.steps));
      expect(await page.getByLabel('Dataset', { exact: true }).inputValue()).toBe(live.base.dataset);
      await expect.poll(() => page.url()).toContain('preset=kjv-web-live');
      // Once steps are logged the status says how long is left at this pace.
      await page
        .getByTestId('training-status')
        .filter({ hasText: /^Training — step \d+ \/ 300 · about \d+ (s|min) left$/ })
        .waitFor({ timeout: 240_000 });
      await page.getByRole('button', { name: 'Reset training' }).click();
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 420_000);

  it('lets a link win, and opens the default quietly when the recorded file is missing', async () => {
    const page = await session.browser.context.newPage();
    const errors = collectPageErrors(page);
    const fetched: string[] = [];
    page.on('request', (request) => request.url().includes('/results/') && fetched.push(request.url()));
    try {
      await page.goto(`${session.server.url}?v=1&preset=tiny-demo`);
      await page.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 90_000 });
      expect(await page.getByTestId('shared-results').count()).toBe(0);
      expect(fetched).toEqual([]);

      const warnings: string[] = [];
      page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
      await page.route('**/results/kjv-web.json', (route) => route.fulfill({ status: 404, body: 'not here' }));
      await page.goto(session.server.url);
      await page.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 90_000 });
      await expect
        .poll(() => warnings.join('\n'), { timeout: 30_000 })
        .toMatch(/No recorded comparison to open on .*HTTP 404/);
      expect(await page.getByTestId('shared-results').count()).toBe(0);
      expect(await page.getByLabel('Steps', { exact: true }).isDisabled()).toBe(false);
      expect(errors.filter((error) => !error.includes('404'))).toEqual([]);
    } finally {
      await page.close();
    }
  }, 240_000);
});
