// The production build: `vite build` succeeds, the JavaScript the page loads first stays small
// (plotly and the training worker load later), and the built page renders in Chromium from
// `vite preview`.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, preview, type PreviewServer } from 'vite';
import { collectPageErrors, launchChromium, repoRoot, type LaunchedBrowser } from '../helpers/browser';

const outDir = join(tmpdir(), `continuum-build-${process.pid}`);
let server: PreviewServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  await build({ root: repoRoot, configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  server = await preview({ root: repoRoot, configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  browser = await launchChromium({ webgpu: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.httpServer.close(() => resolve()));
  rmSync(outDir, { recursive: true, force: true });
});

describe('the production build', () => {
  it('loads under 1.5 MB of gzipped JavaScript first (plotly included it would still fit)', () => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(initial.length).toBeGreaterThan(0);
    const gzipped = (file: string) => gzipSync(readFileSync(join(outDir, file))).length;
    const initialBytes = initial.reduce((sum, file) => sum + gzipped(file), 0);
    const allBytes = readdirSync(join(outDir, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .reduce((sum, file) => sum + gzipped(join('assets', file)), 0);
    console.log(`initial JS ${(initialBytes / 1024).toFixed(0)} kB gzipped; all JS ${(allBytes / 1024).toFixed(0)} kB gzipped`);
    expect(initialBytes).toBeLessThan(400 * 1024);
    expect(allBytes).toBeLessThan(1.5 * 1024 * 1024);
  });

  it('serves a page that renders the playground and loads the plots', async () => {
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview reported no local URL');
    const page = await browser.context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(url);
    await page.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 60_000 });
    const bessel = page.getByRole('img', { name: /Exact −log C/ }).first();
    await bessel.waitFor({ timeout: 60_000 });
    // Plotly (a lazy chunk) has drawn into it.
    await bessel.locator('.main-svg').first().waitFor({ timeout: 60_000 });
    expect(errors).toEqual([]);
  }, 120_000);
});
