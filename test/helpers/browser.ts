// Browser tests: the page from a Vite dev server (or the production build under `vite preview`) plus
// the system Chromium driven by playwright-core.
// No browser is ever downloaded; Debian's `chromium` also ships SwiftShader, which gives WebGPU
// an adapter on machines without a GPU.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, createServer, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';

export const chromiumPath = '/usr/bin/chromium';
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Keeps the browser from phoning home or showing first-run UI; --no-sandbox because CI runs as root. */
const quietArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Measured with Chromium 156 headless on a GPU-less Linux: `--enable-unsafe-webgpu` alone already
 * yields the SwiftShader adapter; `--use-webgpu-adapter=swiftshader` pins it so the tests see the same
 * adapter on machines that do have a GPU. `--enable-features=Vulkan` is not needed. Without these
 * flags `navigator.gpu` still exists but `requestAdapter()` resolves to null.
 */
const webGpuArgs = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh Chromium profile per launch, with or without WebGPU; fails loudly when Chromium is missing. */
export async function launchChromium({ webgpu }: { webgpu: boolean }): Promise<LaunchedBrowser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `The browser tests need the system Chromium at ${chromiumPath} (it also ships SwiftShader for WebGPU ` +
        'without a GPU). Install it with: apt-get install -y chromium',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'continuum-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: webgpu ? [...webGpuArgs, ...quietArgs] : quietArgs,
    viewport: { width: 1100, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface DevServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The app's own Vite config on a free loopback port, as `npm run dev` would serve it. Hot reload is
 * off unless asked for (it adds the React Refresh preamble and a websocket; nothing is watched either way).
 */
export async function startDevServer({ hmr = false }: { hmr?: boolean } = {}): Promise<DevServer> {
  const server = await createServer({
    root: repoRoot,
    configFile: join(repoRoot, 'vite.config.ts'),
    // Its own dependency cache, so a developer's running `npm run dev` is not disturbed.
    cacheDir: join(repoRoot, 'node_modules/.vite-e2e'),
    logLevel: 'warn',
    clearScreen: false,
    // No file watching: an edit elsewhere in the tree must not reload the page in the middle of a test.
    server: { host: '127.0.0.1', port: 0, watch: null, hmr },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) {
    await server.close();
    throw new Error('The Vite dev server started but reported no local URL');
  }
  return { url, close: () => server.close() };
}

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
    session.browser = await launchChromium({ webgpu: true });
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
 * The production build (`vite build` into a temporary directory, served by `vite preview`) and a
 * WebGPU Chromium for the tests of one file. Read `site` and `browser` inside the tests.
 */
export function useBuiltSite(): { readonly site: BuiltSite; readonly browser: LaunchedBrowser } {
  const session = {} as { site: BuiltSite; browser: LaunchedBrowser };
  let server: PreviewServer | undefined;
  beforeAll(async () => {
    const configFile = join(repoRoot, 'vite.config.ts');
    const outDir = mkdtempSync(join(tmpdir(), 'continuum-build-'));
    await build({ root: repoRoot, configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    server = await preview({ root: repoRoot, configFile, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview reported no local URL');
    session.site = { outDir, url };
    session.browser = await launchChromium({ webgpu: true });
  }, 180_000);
  afterAll(async () => {
    await session.browser?.close();
    await new Promise<void>((resolve) => (server ? server.httpServer.close(() => resolve()) : resolve()));
    if (session.site) rmSync(session.site.outDir, { recursive: true, force: true });
  });
  return session;
}
