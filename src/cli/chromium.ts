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
const webGpuArgs = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh Chromium profile per launch, with or without WebGPU; fails loudly when Chromium is missing. */
export async function launchChromium({ webgpu }: { webgpu: boolean }): Promise<LaunchedBrowser> {
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
