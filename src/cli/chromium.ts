// The system Chromium driven by playwright-core, and the app's Vite dev server: what the browser tests
// and the browser half of `npm run bench` both need. No browser is ever downloaded; Debian's
// `chromium` also ships SwiftShader, which gives WebGPU an adapter on machines without a GPU.
// Both packages are devDependencies, so only code that runs from a clone imports this file.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { createServer } from 'vite';
import type { AdapterIdentity } from '../gpu';
import { isSoftwareAdapter } from '../tensor/workgroups';

const chromiumPath = '/usr/bin/chromium';
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
const softwareWebGpuArgs = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

/**
 * A hardware adapter in headless Chromium on Linux: WebGPU over Vulkan (ANGLE on Vulkan too, so the
 * GPU process initialises Vulkan) with no window surface to present to, and no GPU blocklist (a
 * benchmark machine's driver may be on it). The combination Chrome's team documents for headless
 * GPU testing; not verifiable on a machine without a GPU, where the adapter stays SwiftShader.
 */
const hardwareWebGpuArgs = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=vulkan',
  '--disable-vulkan-surface',
  '--ignore-gpu-blocklist',
];

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Which WebGPU adapter a launch asks for: `software` pins SwiftShader (tests: the same adapter on
 * every machine); `hardware` lets Chromium take the machine's GPU where it has one (benchmarks).
 */
export type WebGpuChoice = false | 'software' | 'hardware';

/** A fresh Chromium profile per launch, with or without WebGPU; fails loudly when Chromium is missing. */
export async function launchChromium({ webgpu }: { webgpu: WebGpuChoice }): Promise<LaunchedBrowser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `The browser tests and benchmarks need the system Chromium at ${chromiumPath} (it also ships SwiftShader ` +
        'for WebGPU without a GPU). Install it with: apt-get install -y chromium',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'continuum-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [...{ hardware: hardwareWebGpuArgs, software: softwareWebGpuArgs, off: [] }[webgpu || 'off'], ...quietArgs],
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
    // No file watching: an edit elsewhere in the tree must not reload the page in the middle of a run.
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

/** The adapter a page at `url` (a secure origin: WebGPU needs one) would get; undefined when none. */
async function pageAdapter(context: BrowserContext, url: string): Promise<AdapterIdentity | undefined> {
  const page = await context.newPage();
  try {
    await page.goto(url);
    return await page.evaluate(async () => {
      const adapter = await navigator.gpu?.requestAdapter();
      if (!adapter) return undefined;
      const { vendor, architecture, device, description } = adapter.info;
      const isFallback = (adapter.info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
      return { vendor, architecture, device, description, isFallback };
    });
  } finally {
    await page.close();
  }
}

/**
 * Chromium on the machine's GPU where it has one, else on SwiftShader — for benchmarks, which must
 * measure what the user's browser would use. Each launch is probed at `probeUrl`; the result says
 * which adapter the pages will get and whether it is a software one (whose figures are not GPU figures).
 */
export async function launchChromiumForBenchmarks(
  probeUrl: string,
): Promise<{ browser: LaunchedBrowser; adapter: AdapterIdentity; software: boolean }> {
  for (const webgpu of ['hardware', 'software'] as const) {
    const browser = await launchChromium({ webgpu });
    const adapter = await pageAdapter(browser.context, probeUrl).catch(() => undefined);
    const software = adapter ? isSoftwareAdapter(adapter) : true;
    if (adapter && (!software || webgpu === 'software')) return { browser, adapter, software };
    await browser.close();
  }
  throw new Error('Chromium offers no WebGPU adapter, not even SwiftShader: is the chromium package complete?');
}
