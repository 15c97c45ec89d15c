// The browser half of `npm run bench`: serves src/cli/bench/browser/matmul.html from the app's Vite
// dev server, opens it in the system Chromium (on the machine's GPU where it has one, else on
// SwiftShader, and says which) and collects the page's report.
import type { PeerOptions, PeerReport, PeerProduct } from './browser/matmulShapes';

export async function peerMatmul(
  shapes: PeerProduct[],
  options: PeerOptions,
  log: (line: string) => void,
): Promise<PeerReport & { chromium: string; software: boolean }> {
  const { launchChromiumForBenchmarks, startDevServer } = await import('../chromium');
  const server = await startDevServer();
  const pageUrl = new URL('src/cli/bench/browser/matmul.html', server.url).href;
  const { browser, software } = await launchChromiumForBenchmarks(pageUrl);
  try {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
      else if (message.text().startsWith('bench:')) log(message.text());
    });
    await page.goto(pageUrl);
    try {
      await page.waitForFunction(() => window.continuumMatmulPeer !== undefined, undefined, { timeout: 120_000 });
    } catch {
      throw new Error(`The benchmark page did not load: ${problems.join('; ') || 'no error reported'}`);
    }
    const report = await page.evaluate(([s, o]) => window.continuumMatmulPeer!(s, o), [shapes, options] as const);
    return { ...report, chromium: browser.context.browser()?.version() ?? 'unknown', software };
  } finally {
    await browser.close();
    await server.close();
  }
}
