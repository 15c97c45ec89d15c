// Browser tests: the page from a Vite dev server (or the production build under `vite preview`) plus
// the system Chromium driven by playwright-core (both started by src/cli/chromium.ts, which the
// benchmarks share), set up and torn down around each test file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, inject } from 'vitest';
import { launchChromium, repoRoot, startDevServer, type DevServer, type LaunchedBrowser } from '../../src/cli/chromium';

export {
  launchChromium,
  repoRoot,
  startDevServer,
  type DevServer,
  type LaunchedBrowser,
} from '../../src/cli/chromium';

/** Uncaught exceptions and console errors on the page, so a test can show them when it fails. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/**
 * The dev server and a WebGPU Chromium for the tests of one file: started before them, closed
 * after them. Read `server` and `browser` inside the tests (they exist once beforeAll has run).
 */
export function usePageSession(): { readonly server: DevServer; readonly browser: LaunchedBrowser } {
  const session = {} as { server: DevServer; browser: LaunchedBrowser };
  beforeAll(async () => {
    session.server = await startDevServer();
    session.browser = await launchChromium({ webgpu: 'software' });
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  return session;
}

export interface BuiltSite {
  /** Where `vite build` wrote the page. */
  outDir: string;
  /** The page as `vite preview` serves it. */
  url: string;
}

/**
 * The production build (`vite build` into the test run's directory, served by `vite preview`) and a
 * WebGPU Chromium for the tests of one file. Read `site` and `browser` inside the tests.
 */
export function useBuiltSite(): { readonly site: BuiltSite; readonly browser: LaunchedBrowser } {
  const session = {} as { site: BuiltSite; browser: LaunchedBrowser };
  let server: PreviewServer | undefined;
  beforeAll(async () => {
    const configFile = join(repoRoot, 'vite.config.ts');
    // One build per test run (test/setup/builtSite.ts): the first file to need it writes it.
    const outDir = inject('builtSiteDir');
    if (!existsSync(join(outDir, 'index.html')))
      await build({ root: repoRoot, configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    server = await preview({
      root: repoRoot,
      configFile,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0 },
    });
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview reported no local URL');
    session.site = { outDir, url };
    session.browser = await launchChromium({ webgpu: 'software' });
  }, 180_000);
  afterAll(async () => {
    await session.browser?.close();
    await new Promise<void>((resolve) => (server ? server.httpServer.close(() => resolve()) : resolve()));
  });
  return session;
}
