// The production build: `vite build` succeeds, the JavaScript the page loads first stays small
// (plotly and the training worker load later), and the built page renders in Chromium from
// `vite preview`, under its Content-Security-Policy (test/e2e/security.test.ts checks the policy).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collectPageErrors, useBuiltSite } from '../helpers/browser';

const session = useBuiltSite();

describe('the production build', () => {
  it('loads under 1.5 MB of gzipped JavaScript first (plotly included it would still fit)', () => {
    const { outDir } = session.site;
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(initial.length).toBeGreaterThan(0);
    const gzipped = (file: string) => gzipSync(readFileSync(join(outDir, file))).length;
    const initialBytes = initial.reduce((sum, file) => sum + gzipped(file), 0);
    const allBytes = readdirSync(join(outDir, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .reduce((sum, file) => sum + gzipped(join('assets', file)), 0);
    console.log(
      `initial JS ${(initialBytes / 1024).toFixed(0)} kB gzipped; all JS ${(allBytes / 1024).toFixed(0)} kB gzipped`,
    );
    expect(initialBytes).toBeLessThan(400 * 1024);
    expect(allBytes).toBeLessThan(1.5 * 1024 * 1024);
  });

  // The page runs under its Content-Security-Policy here: anything it blocked would be a console error.
  it('serves a page that renders the playground and loads the plots', async () => {
    const page = await session.browser.context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(session.site.url);
    await page.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 60_000 });
    // The recorded comparison the page opens on is part of the build (public/results).
    await page.getByTestId('recorded-stamp').waitFor({ timeout: 60_000 });
    const bessel = page.getByRole('img', { name: /Exact −log C/ }).first();
    await bessel.waitFor({ timeout: 60_000 });
    // Plotly (a lazy chunk) has drawn into it.
    await bessel.locator('.main-svg').first().waitFor({ timeout: 60_000 });
    expect(errors).toEqual([]);
  }, 120_000);
});
