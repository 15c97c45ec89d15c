// How long a visitor waits for the first loss point: the page opened without a link (the recorded
// comparison), "Train it yourself" pressed, until the training-loss plot holds a point. Measured in
// the system Chromium on its adapter, from a fresh profile and again in the same profile (warm: the
// browser's caches; no kernel choices, which a page stores only once a comparison is over). Data,
// models and every pipeline the first step needs are inside the figure; loading the page (until the
// network is idle) is not.
import type { Page } from 'playwright-core';
import { adapterLine } from '../../gpu';
import type { BenchReport } from './report';

export interface FirstPointVisit {
  visit: 'fresh' | 'warm';
  /** Click to the first point on the plot. */
  ms: number;
  /** When the status line changed, from the click: where the time went. */
  phases: Array<{ ms: number; status: string }>;
}

export interface FirstPointReport {
  adapter: string;
  software: boolean;
  chromium: string;
  visits: FirstPointVisit[];
}

const trainButton = 'Train it yourself';

/** Points per trace of the training-loss plot, and the status line. */
const plotState = (page: Page) =>
  page.evaluate(() => {
    type Plot = HTMLElement & { data?: Array<{ x: unknown[] }> };
    const plot = document.querySelector('[aria-label^="Training loss"]') as Plot | null;
    const graph = plot?.querySelector('.js-plotly-plot') as Plot | null;
    return {
      points: (graph?.data ?? plot?.data ?? []).map((trace) => trace.x.length),
      status: document.querySelector('[data-testid="training-status"]')?.textContent ?? '',
    };
  });

async function visit(page: Page, url: string, name: FirstPointVisit['visit']): Promise<FirstPointVisit> {
  await page.goto(url);
  await page.getByRole('button', { name: trainButton }).waitFor({ timeout: 180_000 });
  // Pressed once the page has loaded (no request for 0.5 s), as a visitor who has read it would:
  // its spare training worker is then ready, which is what it is for.
  await page.waitForLoadState('networkidle');
  const phases: FirstPointVisit['phases'] = [];
  const started = performance.now();
  await page.getByRole('button', { name: trainButton }).click();
  for (;;) {
    const { points, status } = await plotState(page);
    const ms = performance.now() - started;
    if (status !== phases.at(-1)?.status) phases.push({ ms, status });
    if (points.some((n) => n > 0)) return { visit: name, ms, phases };
    if (/failed|error/i.test(status)) throw new Error(`Training did not start: ${status}`);
    if (ms > 300_000) throw new Error(`No loss point 300 s after "${trainButton}" (status: ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Both visits, in one browser profile. */
export async function firstPointTimes(log: (line: string) => void = () => {}): Promise<FirstPointReport> {
  const { launchChromiumForBenchmarks, startDevServer } = await import('../chromium');
  const server = await startDevServer();
  // Probed on the benchmark page, which does nothing until called: the app's first visit stays fresh.
  const probe = new URL('src/cli/bench/browser/matmul.html', server.url).href;
  const { browser, adapter, software } = await launchChromiumForBenchmarks(probe);
  try {
    const visits: FirstPointVisit[] = [];
    for (const name of ['fresh', 'warm'] as const) {
      const page = await browser.context.newPage();
      try {
        visits.push(await visit(page, server.url, name));
        log(`first loss point, ${name} profile: ${(visits.at(-1)!.ms / 1000).toFixed(1)} s`);
      } finally {
        await page.close();
      }
    }
    const chromium = browser.context.browser()?.version() ?? 'unknown';
    return { adapter: adapterLine(adapter), software, chromium, visits };
  } finally {
    await browser.close();
    await server.close();
  }
}

export function firstPointLines(report: FirstPointReport): string[] {
  return [
    `First loss point after "${trainButton}" on the page (Chromium ${report.chromium}, ${report.adapter}${report.software ? ', a software adapter' : ''}):`,
    ...report.visits.map(
      (v) =>
        `- ${v.visit} profile: ${(v.ms / 1000).toFixed(1)} s (${v.phases.map((p) => `${(p.ms / 1000).toFixed(1)} s ${p.status}`).join('; ')})`,
    ),
  ];
}

/** `npm run bench -- first-point`. */
export async function firstPointBenchReport(): Promise<BenchReport> {
  const report = await firstPointTimes();
  return { text: firstPointLines(report).join('\n'), json: report };
}
