// Without WebGPU the page still shows results it did not train, read-only, below the WebGPU help:
// the recorded comparison it opens on without a link, and a "Share results" link's runs. Nothing
// offers to train; the banner says training needs WebGPU and points at the help.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeResults } from '../../src/app/share/results';
import { parseRunFile } from '../../src/train/record';
import {
  collectPageErrors,
  launchChromium,
  repoRoot,
  startDevServer,
  type DevServer,
  type LaunchedBrowser,
} from '../helpers/browser';

const shipped = (() => {
  const parsed = parseRunFile(readFileSync(join(repoRoot, 'public/results/kjv-web.json'), 'utf8'));
  if (!parsed.ok || !parsed.value.stamp)
    throw new Error(`public/results/kjv-web.json: ${parsed.ok ? 'no stamp' : parsed.error}`);
  return { ...parsed.value, stamp: parsed.value.stamp };
})();

let server: DevServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  server = await startDevServer();
  // navigator.gpu exists, but requestAdapter() resolves to null.
  browser = await launchChromium({ webgpu: false });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The parts of the page that would train, share or edit: none may be there without WebGPU. */
async function expectNothingTrains(page: Page): Promise<void> {
  for (const name of [
    'Train it yourself',
    'Edit settings',
    'Re-run this experiment',
    'Edit the settings',
    'Start training',
  ]) {
    expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
  }
  expect(await page.getByLabel('Steps', { exact: true }).count()).toBe(0);
}

describe('the page without WebGPU', () => {
  it('shows the recorded comparison read-only below the WebGPU help', async () => {
    const page = await browser.context.newPage();
    const errors = collectPageErrors(page);
    try {
      await page.goto(server.url);
      const help = page.getByTestId('webgpu-help');
      await help.waitFor({ timeout: 60_000 });
      expect(await help.getByRole('heading').innerText()).toBe('This browser cannot run WebGPU here');
      const banner = page.getByTestId('shared-results');
      await banner.waitFor({ timeout: 90_000 });
      // The help comes first, the recorded view right after it.
      const [helpBox, bannerBox] = [await help.boundingBox(), await banner.boundingBox()];
      expect(helpBox!.y + helpBox!.height).toBeLessThanOrEqual(bannerBox!.y);

      const { adapter, date, commit, title } = shipped.stamp;
      expect(await page.getByTestId('recorded-stamp').innerText()).toBe(
        `Recorded comparison: ${title} · ${adapter.replace(/^Adapter: /, '')} · ${date.slice(0, 10)} · commit ${commit}`,
      );
      expect(await page.getByTestId('training-needs-webgpu').innerText()).toMatch(
        /^Training it yourself needs WebGPU, which this browser cannot offer here: the WebGPU help above says how to get it\./,
      );
      expect(await page.getByTestId('recorded-estimate').count()).toBe(0);
      await expectNothingTrains(page);

      // The results table (one row per recorded run), the samples and the curves: none needs a GPU.
      const rows = page.getByTestId('summary-table').locator('tbody tr');
      expect(await rows.locator('th').allInnerTexts()).toEqual(shipped.runs.map((run) => run.label));
      const sample = shipped.runs[0]!.evals.at(-1)!.samples![0]!;
      await page.getByRole('cell', { name: sample.reference, exact: true }).first().waitFor({ timeout: 30_000 });
      await page.locator('[aria-label^="Training loss"] .main-svg').first().waitFor({ timeout: 60_000 });
      expect(new URL(page.url()).search).toBe('');
      expect(new URL(page.url()).hash).toBe('');

      mkdirSync(join(repoRoot, 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: join(repoRoot, 'test-artifacts', 'recorded-no-webgpu.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 240_000);

  it('opens a "Share results" link read-only when navigator.gpu does not exist at all', async () => {
    const page = await browser.context.newPage();
    const errors = collectPageErrors(page);
    await page.addInitScript(() => {
      delete (Navigator.prototype as { gpu?: unknown }).gpu;
    });
    try {
      await page.goto(`${server.url}?v=1&preset=tiny-demo#${encodeResults(shipped.runs)}`);
      await page.getByTestId('webgpu-help').filter({ hasText: 'WebGPU is not available' }).waitFor({ timeout: 60_000 });
      const banner = page.getByTestId('shared-results');
      await banner.waitFor({ timeout: 60_000 });
      expect(await banner.innerText()).toMatch(
        new RegExp(`Shared results, read-only\\. ${shipped.runs.length} runs measured on `),
      );
      expect(await page.getByTestId('training-needs-webgpu').innerText()).toMatch(
        /^Re-running this experiment needs WebGPU/,
      );
      await expectNothingTrains(page);
      expect(await page.getByTestId('summary-table').locator('tbody tr th').allInnerTexts()).toEqual(
        shipped.runs.map((run) => run.label),
      );

      // The pointer to the help scrolls to it and leaves the results in the address, for a reload.
      await page.getByRole('link', { name: 'the WebGPU help above' }).click();
      expect(page.url()).toContain('#results=');
      await page.reload();
      await page.getByTestId('shared-results').waitFor({ timeout: 60_000 });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 240_000);
});
