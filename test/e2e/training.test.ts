// Training in the dedicated worker, driven from the page through the panel's buttons (keyboard
// only) and watched through the store: two runs of a 30-step copy task grow their metrics, pause
// holds the step counter, one step advances it by exactly one, resume runs to the end (and a
// finished run's "Export weights" downloads its safetensors file), and the worker's progress
// messages wake the main thread at most ten times a second. Code for the page goes as strings:
// vitest rewrites `import()` and helpers inside functions, which must run in the page as written.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { progressIntervalMs } from '../../src/train/protocol';
import { collectPageErrors, usePageSession } from '../helpers/browser';
import { readSafetensors } from '../helpers/safetensors';

interface Snapshot {
  state: string;
  message?: string;
  steps: number;
  totalSteps: number;
  statuses: string[];
  errors: (string | undefined)[];
  metrics: number[];
  lastMetricStep: number[];
  evals: number[];
}

const snapshot = (page: Page) =>
  page.evaluate(`(() => {
    const s = window.__training.store.getState();
    return {
      state: s.state, message: s.message, steps: s.steps, totalSteps: s.totalSteps,
      statuses: s.records.map((r) => r.status), errors: s.records.map((r) => r.error),
      metrics: s.records.map((r) => r.metrics.length),
      lastMetricStep: s.records.map((r) => r.metrics.at(-1)?.step ?? 0),
      evals: s.records.map((r) => r.evals.length),
    };
  })()`) as Promise<Snapshot>;

/**
 * Waits for a condition on the store, written as an expression over `s` (its state). Polled through
 * page.evaluate: waitForFunction compiles its predicate in the page, which the page's CSP forbids.
 */
/**
 * The page's task length (test/e2e/pages/training.tsx): enough steps that the pause after step 2
 * lands mid-run however fast a step is.
 */
const steps = 30;

const until = (page: Page, condition: string, timeout = 120_000) =>
  expect
    .poll(
      () => page.evaluate(`(() => { const s = window.__training.store.getState(); return Boolean(${condition}); })()`),
      { timeout, interval: 100 },
    )
    .toBe(true);

const press = async (page: Page, name: string) => {
  await page.getByRole('button', { name }).focus();
  await page.keyboard.press('Enter');
};

/**
 * How many times the worker has said "paused". It says so only once its gate holds the next step, after
 * the results of every step taken have been posted: no step can follow until the next command.
 */
const pauses = (page: Page) =>
  page.evaluate(
    `window.__workerMessages.filter(([, type, state]) => type === 'status' && state === 'paused').length`,
  ) as Promise<number>;

const session = usePageSession();

/**
 * Before the page's own scripts: every message a worker sends the main thread, as [ms, type, state],
 * so a test can count how often the page is woken (the worker throttles its progress messages) and
 * how often the worker has said "paused".
 */
const countWorkerMessages = `window.__workerMessages = [];
  const listen = Worker.prototype.addEventListener;
  Worker.prototype.addEventListener = function (type, listener, options) {
    if (type !== 'message') return listen.call(this, type, listener, options);
    return listen.call(this, type, (event) => {
      window.__workerMessages.push([performance.now(), event.data?.type, event.data?.state]);
      return listener.call(this, event);
    }, options);
  };`;

async function openPage({ countMessages = false } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await session.browser.context.newPage();
  if (countMessages) await page.addInitScript(countWorkerMessages);
  const errors = collectPageErrors(page);
  await page.goto(`${session.server.url}test/e2e/pages/training.html`);
  await page.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 60_000 });
  return { page, errors };
}

describe('training in a web worker', () => {
  it('trains two runs; pause holds, step advances one, resume finishes; progress wakes the page at most 10 times a second', async () => {
    const { page, errors } = await openPage({ countMessages: true });

    await press(page, 'Start training');
    await until(page, `s.steps >= 2 || s.state === 'failed'`);
    const early = await snapshot(page);
    expect(early.state, early.message).toBe('running');
    expect(early.totalSteps).toBe(steps);

    await press(page, 'Pause training');
    await until(page, `s.state !== 'running'`);
    const paused = await snapshot(page);
    expect(paused.state, paused.message).toBe('paused');
    expect(paused.steps).toBeLessThan(steps);
    // The worker settles in-flight reads before saying "paused": a point for every step shown.
    expect(paused.lastMetricStep).toEqual([paused.steps, paused.steps]);
    for (const [i, count] of paused.metrics.entries()) expect(count).toBeGreaterThan(early.metrics[i]!);

    // A step leaking past the pause, or a second one after "Train one step", would show in the count
    // the worker reports when its gate holds again.
    const pausesBefore = await pauses(page);
    expect(pausesBefore).toBeGreaterThan(0);
    await press(page, 'Train one step');
    await expect.poll(() => pauses(page), { timeout: 120_000, interval: 100 }).toBe(pausesBefore + 1);
    const stepped = await snapshot(page);
    expect(stepped.state).toBe('paused');
    expect(stepped.steps).toBe(paused.steps + 1);
    expect(stepped.lastMetricStep).toEqual([stepped.steps, stepped.steps]);
    expect(await page.getByTestId('training-status').innerText()).toBe(`Paused — step ${stepped.steps} / ${steps}`);

    await press(page, 'Resume training');
    await until(page, `s.state !== 'running' && s.state !== 'paused'`);
    const done = await snapshot(page);
    expect(done.state, done.message).toBe('finished');
    expect(done.statuses).toEqual(['finished', 'finished']);
    expect(done.metrics).toEqual([steps, steps]);
    expect(done.evals).toEqual([1, 1]);
    expect(await page.getByTestId('training-loss-1').innerText()).toMatch(new RegExp(`^-?\\d+\\.\\d{3} @${steps}$`));

    // The worker read each finished run's weights; its button downloads them as safetensors.
    const { label, config } = (await page.evaluate('window.__training.runs[1]')) as { label: string; config: unknown };
    const download = page.waitForEvent('download', { timeout: 60_000 });
    await press(page, `Export weights of ${label}`);
    const weights = readSafetensors(new Uint8Array(readFileSync(await (await download).path())));
    expect(weights.metadata?.step).toBe(String(steps));
    expect(JSON.parse(weights.metadata!.config!)).toEqual(config);
    expect(weights.tensors.get('decoder.0.self.qkv.weight')?.dtype).toBe('F32');

    // Structure, not speed: the worker posts progress at most once per progressIntervalMs, plus one
    // flush each at pause, the single step and the end, however fast the steps are.
    const messages = (await page.evaluate('window.__workerMessages')) as [number, string][];
    const progress = messages.filter(([, type]) => type === 'progress').map(([ms]) => ms);
    expect(progress.length).toBeGreaterThan(0);
    const busiestSecond = Math.max(
      ...progress.map((start) => progress.filter((ms) => ms >= start && ms < start + 1000).length),
    );
    expect(busiestSecond, `progress messages at ${progress.map(Math.round).join(', ')} ms`).toBeLessThanOrEqual(
      1000 / progressIntervalMs + 3,
    );
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('reports a failure in the worker as a failed state naming the problem, keeping the runs', async () => {
    const { page } = await openPage();
    await page.evaluate(`(() => {
      const { store, runs } = window.__training;
      store.getState().start(runs.map((run) => ({ ...run, config: { ...run.config, dataset: 'no-such-corpus' } })));
    })()`);
    await until(page, `s.state === 'failed'`);
    const failed = await snapshot(page);
    expect(failed.message).toMatch(/^Training failed while checking the settings: [\s\S]*no-such-corpus/);
    expect(failed.statuses).toEqual(['failed', 'failed']);
    expect(failed.errors[0]).toBe(failed.message);
    const words = (text: string) => text.replace(/\s+/g, ' ').trim();
    expect(words(await page.getByRole('alert').innerText())).toBe(words(failed.message!));

    await press(page, 'Reset training');
    await until(page, `s.state === 'idle' && s.records.length === 0`);
    await page.close();
  }, 120_000);
});
