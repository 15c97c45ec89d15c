// The first page in the system Chromium: adapter panel + self-test with WebGPU on SwiftShader, and
// the "how to get WebGPU" explanation when the browser has none.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectPageErrors,
  launchChromium,
  repoRoot,
  startDevServer,
  type DevServer,
  type LaunchedBrowser,
} from '../helpers/browser';

const artifacts = join(repoRoot, 'test-artifacts');
/** SwiftShader compiles and runs every kernel on the CPU: minutes, not seconds, on two cores. */
const selfTestTimeoutMs = 540_000;

let server: DevServer;
let browser: LaunchedBrowser | undefined;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await startDevServer();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

let browserHasWebGpu: boolean | undefined;

/** One browser at a time; relaunched only when a test needs the other WebGPU setting. */
async function openBrowser(webgpu: boolean): Promise<LaunchedBrowser> {
  if (browser && browserHasWebGpu === webgpu) return browser;
  await browser?.close();
  browser = await launchChromium({ webgpu: webgpu && 'software' });
  browserHasWebGpu = webgpu;
  return browser;
}

describe('the page in Chromium', () => {
  it(
    'shows the SwiftShader adapter and passes every kernel self-test',
    async () => {
      const { context } = await openBrowser(true);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await page.goto(server.url);
      // The engine details sit folded below the playground; open them as a user would.
      const details = page.getByText('This GPU: adapter and kernel self-test');
      await details.waitFor({ timeout: 60_000 }).catch(async () => {
        throw new Error(
          `The engine details never appeared. Page text:\n${await page.locator('main').innerText()}\nPage errors:\n${errors.join('\n')}`,
        );
      });
      await details.click();

      const architecture = page.getByTestId('adapter-architecture');
      await architecture.waitFor({ timeout: 60_000 }).catch(async () => {
        throw new Error(
          `The adapter panel never appeared. Page text:\n${await page.locator('main').innerText()}\nPage errors:\n${errors.join('\n')}`,
        );
      });
      expect(await page.getByTestId('adapter-vendor').innerText()).not.toBe('');
      expect(await architecture.innerText()).toBe('swiftshader');

      const button = page.getByRole('button', { name: 'Run self-test' });
      await button.focus();
      await page.keyboard.press('Enter');
      const summary = page.getByTestId('selftest-summary');
      await summary.filter({ hasText: /\d+ passed \/ \d+ failed/ }).waitFor({ timeout: selfTestTimeoutMs });
      // The viewport at the summary: the whole page, with its ~900-row table, is 60,000 px tall and
      // took 9 s to capture.
      await summary.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(artifacts, 'page-selftest.png') });

      // The kernel choices were timed at the start of the run (IndexedDB is empty in this profile).
      expect(await page.getByTestId('selftest-kernels').innerText()).toMatch(
        /Kernels chosen for this adapter: matmul: register \(timed now on a 256³ product: register [\d.]+ ms, tiled [\d.]+ ms, tiledWide [\d.]+ ms\); top-k search: matmul \(timed now on .*: fused [\d.]+ ms, matmul [\d.]+ ms\)/,
      );
      const summaryText = await summary.innerText();
      const results = page.getByRole('table', { name: 'Self-test results' });
      const failedRows = await results.locator('tbody tr.failed').allInnerTexts();
      expect(failedRows, `Failing checks (${summaryText}):\n${failedRows.join('\n')}`).toEqual([]);
      const [, passed] = /(\d+) passed \/ 0 failed in/.exec(summaryText) ?? [];
      expect(Number(passed), summaryText).toBe(await results.locator('tbody tr').count());
      expect(errors).toEqual([]);
    },
    selfTestTimeoutMs + 60_000,
  );

  it('explains how to get WebGPU when the browser finds no adapter', async () => {
    const { context } = await openBrowser(false);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(server.url);

    const help = page.getByTestId('webgpu-help');
    await help.waitFor({ timeout: 60_000 });
    expect(await help.getByRole('heading').innerText()).toBe('This browser cannot run WebGPU here');
    const text = await help.innerText();
    expect(text).toContain('offers no usable GPU adapter');
    expect(text).toContain('--enable-unsafe-webgpu');
    expect(await page.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(artifacts, 'page-no-webgpu.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('explains how to get WebGPU when navigator.gpu does not exist at all', async () => {
    const { context } = await openBrowser(false);
    const page = await context.newPage();
    // Chromium 156 always defines navigator.gpu; removing it reproduces browsers without WebGPU
    // (e.g. Firefox on Linux), which take the page's other branch.
    await page.addInitScript(() => {
      delete (Navigator.prototype as { gpu?: unknown }).gpu;
    });
    await page.goto(server.url);

    const help = page.getByTestId('webgpu-help');
    await help.waitFor({ timeout: 60_000 });
    const text = await help.innerText();
    expect(text).toContain('WebGPU is not available. Use Chrome or Edge');
    expect(text).not.toContain('offers no usable GPU adapter');
  });

  it('shows the error boundary, not a blank page, when a component throws', async () => {
    const { context } = await openBrowser(false);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId('webgpu-help').waitFor({ timeout: 60_000 });
    // The dev server hands out the page's own store module, so the test can push a state the
    // adapter panel cannot render (no adapter) and watch the boundary catch the crash. A string, not
    // a function: vitest rewrites `import()` in test files, and this one must run in the page as written.
    await page.evaluate(`import('/src/app/store.ts').then(({ useAppStore }) =>
      useAppStore.setState({ gpu: { status: 'ready', adapter: null, engine: null } }))`);
    const crash = page.getByTestId('page-error');
    await crash.waitFor({ timeout: 10_000 });
    expect(await crash.getByRole('heading').innerText()).toBe('Something went wrong on this page');
    expect(await crash.innerText()).toContain("reading 'features'");
  });
});
