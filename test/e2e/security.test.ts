// The production page under its Content-Security-Policy, in Chromium: the policy allows the page's
// own origin only and is both sent and stated in the page; what comes from elsewhere is blocked and
// reported; markup in a link stays text; and the default experiment trains, plots and saves without
// a single request outside the page's origin or a single violation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { collectPageErrors, startDevServer, useBuiltSite } from '../helpers/browser';

const session = useBuiltSite();

/** Directive → sources. */
function parsePolicy(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter(([directive]) => directive)
      .map(([directive, ...sources]) => [directive!, sources]),
  );
}

/** The sources a directive allows: its own, or default-src's when it has none. */
const sourcesOf = (policy: Map<string, string[]>, directive: string) =>
  policy.get(directive) ?? policy.get('default-src') ?? [];

/**
 * Sources that name no other origin: the page itself, 'none', a hash, data: and blob: (which never leave the browser).
 */
const isLocal = (source: string) =>
  ["'self'", "'none'", 'data:', 'blob:'].includes(source) || /^'sha256-[A-Za-z0-9+/]+=*'$/.test(source);

/**
 * Style attributes (Plotly's SVG text) are the one inline content production allows: they carry no
 * markup. The dev server also allows <style> elements, which is how Vite serves CSS in development.
 */
function expectSameOriginOnly(policy: Map<string, string[]>, { inlineStyleElements = false } = {}): void {
  const inline = inlineStyleElements ? ['style-src-attr', 'style-src'] : ['style-src-attr'];
  for (const [directive, sources] of policy) {
    const allowed = (source: string) => isLocal(source) || (inline.includes(directive) && source === "'unsafe-inline'");
    expect(
      sources.filter((source) => !allowed(source)),
      directive,
    ).toEqual([]);
  }
  // Scripts: the page's own files, and in development the React Refresh preamble by its hash.
  expect(
    sourcesOf(policy, 'script-src').filter((source) => source !== "'self'" && !source.startsWith("'sha256-")),
  ).toEqual([]);
  expect(sourcesOf(policy, 'connect-src')).toEqual(["'self'"]);
  expect(sourcesOf(policy, 'worker-src')).toEqual(["'self'"]);
  expect(policy.get('object-src')).toEqual(["'none'"]);
}

/** Records every CSP violation the page reports, from before its first script runs. */
async function watchViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(`${event.effectiveDirective} ${event.blockedURI}`),
    );
  });
}

const violations = (page: Page) =>
  page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

describe('the Content-Security-Policy', () => {
  it('is sent as a header and stated in the built page, allowing the page’s own origin only', async () => {
    const response = await fetch(session.site.url);
    const header = parsePolicy(response.headers.get('content-security-policy') ?? '');
    expectSameOriginOnly(header);
    expect(header.get('script-src')).toEqual(["'self'"]);
    expect(header.get('frame-ancestors')).toEqual(["'none'"]);

    const html = readFileSync(join(session.site.outDir, 'index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)" \/>/.exec(html);
    expect(meta, 'the built index.html has no CSP <meta> tag').not.toBeNull();
    const stated = parsePolicy(meta![1]!);
    expectSameOriginOnly(stated);
    expect(stated.get('script-src')).toEqual(["'self'"]);
    // A <meta> policy covers only what follows it.
    expect(meta!.index).toBeLessThan(html.search(/<script|<link rel="stylesheet"/));
  });

  it('blocks and reports a script, a fetch, an inline style and eval that the page did not ship', async () => {
    const page = await session.browser.context.newPage();
    const errors = collectPageErrors(page);
    // Chromium announces a request for the blocked script, then fails it before it reaches the network.
    const answered: string[] = [];
    page.on('response', (response) => answered.push(response.url()));
    const blocked: string[] = [];
    page.on('requestfailed', (request) => blocked.push(`${request.url()} ${request.failure()?.errorText}`));
    await watchViolations(page);
    await page.goto(session.site.url);
    await page.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 60_000 });
    const outcomes = await page.evaluate(async () => {
      const script = await new Promise<string>((resolve) => {
        const element = document.createElement('script');
        element.src = 'https://example.com/tracker.js';
        element.onload = () => resolve('loaded');
        element.onerror = () => resolve('blocked');
        document.head.append(element);
      });
      const fetched = await fetch('https://example.com/data.json').then(
        () => 'fetched',
        () => 'blocked',
      );
      const style = document.createElement('style');
      style.textContent = 'body { display: none }';
      document.head.append(style);
      let evaluated: string;
      try {
        // biome-ignore lint/security/noGlobalEval: the test is that the policy blocks eval
        evaluated = String(eval('1 + 1'));
      } catch {
        evaluated = 'blocked';
      }
      return { script, fetched, style: style.sheet === null ? 'blocked' : 'applied', evaluated };
    });
    expect(outcomes).toEqual({ script: 'blocked', fetched: 'blocked', style: 'blocked', evaluated: 'blocked' });
    expect(await violations(page)).toEqual(
      expect.arrayContaining([
        'script-src-elem https://example.com/tracker.js',
        'connect-src https://example.com/data.json',
        'style-src-elem inline',
        'script-src eval',
      ]),
    );
    // The console reports each one too: that is how the other tests would notice a violation.
    expect(errors.filter((error) => error.includes('Content Security Policy')).length).toBeGreaterThanOrEqual(4);
    expect(answered.filter((url) => url.includes('example.com'))).toEqual([]);
    expect(blocked).toEqual(['https://example.com/tracker.js csp']);
    await page.close();
  }, 120_000);

  it('shows markup from a link as text', async () => {
    const page = await session.browser.context.newPage();
    await watchViolations(page);
    await page.goto(`${session.site.url}?v=1&preset=tiny-demo&train.steps=<b>5</b>&<img src=x onerror=alert(1)>=1`);
    await page.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 60_000 });
    const warnings = await page.getByRole('alert').allInnerTexts();
    expect(warnings.join('\n')).toContain('<b>5</b>');
    expect(await page.locator('b:text("5"), img[src="x"]').count()).toBe(0);
    expect(await violations(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it('trains the default experiment, plots it, saves it and a PNG of a plot without a request outside the page’s origin or a violation', async () => {
    const page = await session.browser.context.newPage();
    const errors = collectPageErrors(page);
    const origin = new URL(session.site.url).origin;
    const requests: string[] = [];
    // Requests of the page and of its training worker.
    const record = (url: string) => requests.push(url);
    page.on('request', (request) => record(request.url()));
    page.on('worker', (worker) =>
      worker.on('console', (message) => message.type() === 'error' && errors.push(`worker: ${message.text()}`)),
    );
    await watchViolations(page);
    // The default preset on its shipped data (loaded from this origin), on 300 verses for a few steps.
    await page.goto(
      `${session.site.url}?v=1&preset=tiny-demo&data.trainSentences=300&train.steps=4&train.evalEvery=2&train.logEvery=1`,
    );
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByTestId('training-status').filter({ hasText: 'Finished' }).waitFor({ timeout: 300_000 });
    await page.locator('[aria-label^="Training loss"] .main-svg').first().waitFor({ timeout: 60_000 });
    await page
      .getByRole('region', { name: 'Saved experiments' })
      .getByText('tiny-demo', { exact: false })
      .first()
      .waitFor({ timeout: 30_000 });
    // Saving a plot draws its SVG through an image: allowed by img-src without leaving the browser.
    const download = page.waitForEvent('download', { timeout: 60_000 });
    await page
      .getByRole('button', { name: /^Save PNG: Training loss/ })
      .first()
      .click();
    expect((await download).suggestedFilename()).toMatch(/\.png$/);

    expect(requests.some((url) => url.includes('/data/'))).toBe(true);
    expect(
      requests.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin),
    ).toEqual([]);
    expect(await violations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 420_000);

  it('is sent by the dev server with hot reload, and the page opens there without a violation', async () => {
    const server = await startDevServer({ hmr: true });
    const page = await session.browser.context.newPage();
    try {
      const errors = collectPageErrors(page);
      const response = await fetch(server.url);
      const header = parsePolicy(response.headers.get('content-security-policy') ?? '');
      expectSameOriginOnly(header, { inlineStyleElements: true });
      expect(await response.text()).toContain('injectIntoGlobalHook');
      await watchViolations(page);
      await page.goto(server.url);
      await page.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 120_000 });
      expect(await violations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  }, 180_000);
});
