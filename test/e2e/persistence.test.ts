// What survives a reload, a crashed training worker and a lost GPU device, in the system Chromium on
// SwiftShader: the saved experiment holds the metrics up to within a few steps of the last one shown,
// the page says what happened, keeps every metric, and resumes the runs from their checkpoints to the
// end, one point per step. Faults are provoked through the worker's test-only `simulateFault`
// command, reached by keeping a handle on every Worker the page creates.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../src/train/protocol';
import { collectPageErrors, usePageSession } from '../helpers/browser';

// Enough steps that the runs are still going when a fault arrives after step 6, however fast a step
// is: the poll that sees step 6 and the fault that follows take well under 26 steps.
const steps = 32;
const link =
  '?v=1&preset=tiny-demo&dataset=synthetic-copy&data.sourceVocab=16&data.targetVocab=16&data.maxLength=4' +
  `&train.steps=${steps}&train.evalEvery=0&train.logEvery=1&train.checkpointEvery=4&train.dataSeed=3&train.initSeed=5`;

const session = usePageSession();

/** Opens the link with a handle on each Worker the page creates (`window.__workers`). */
async function openLink(): Promise<{ page: Page; errors: string[] }> {
  const page = await session.browser.context.newPage();
  const errors = collectPageErrors(page);
  await page.addInitScript(`{
    const Native = window.Worker;
    window.__workers = [];
    window.Worker = class extends Native {
      constructor(url, options) {
        super(url, options);
        window.__workers.push({ name: options?.name, worker: this });
      }
    };
  }`);
  await page.goto(`${session.server.url}${link}`);
  await page.getByRole('button', { name: 'Start training' }).waitFor({ timeout: 60_000 });
  return { page, errors };
}

/** A fault the worker provokes itself, or its silent death: ended from outside, with no error event. */
type Mishap = Fault | 'silent death';

async function simulateFault(page: Page, mishap: Mishap): Promise<void> {
  const worker = "window.__workers.filter((w) => w.name === 'continuum-training').at(-1).worker";
  await page.evaluate(
    mishap === 'silent death'
      ? `${worker}.terminate()`
      : `${worker}.postMessage({ type: 'simulateFault', fault: '${mishap}' })`,
  );
}

/** The last step every run shows a loss for (the table's "1.234 @17"), 0 before the first. */
async function lastShownStep(page: Page): Promise<number> {
  const cells = await page.getByTestId(/^training-loss-\d$/).allInnerTexts();
  return Math.min(...cells.map((text) => Number(/@(\d+)$/.exec(text)?.[1] ?? 0)));
}

async function waitForStep(page: Page, step: number): Promise<void> {
  await expect.poll(() => lastShownStep(page), { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(step);
}

interface SavedRun {
  status: string;
  steps: number[];
  learningRates: number[];
}

/** The newest saved experiment's runs, read straight from IndexedDB. */
function savedRuns(page: Page): Promise<SavedRun[]> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const request = indexedDB.open('continuum-history');
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const db = request.result;
      const all = db.transaction('experiments').objectStore('experiments').getAll();
      all.onsuccess = () => {
        db.close();
        const newest = all.result.sort((a, b) => b.savedAt.localeCompare(a.savedAt))[0];
        resolve(newest.comparison.runs.map((run) => ({
          status: run.status, steps: run.metrics.map((m) => m.step), learningRates: run.metrics.map((m) => m.learningRate),
        })));
      };
    };
  })`);
}

const everyStep = Array.from({ length: steps }, (_, i) => i + 1);

/** Waits for the end; the saved runs must hold one point per step, in order. */
async function finishedRuns(page: Page): Promise<SavedRun[]> {
  await page.getByTestId('training-status').filter({ hasText: 'Finished' }).waitFor({ timeout: 120_000 });
  expect(await lastShownStep(page)).toBe(steps);
  const finished = (runs: SavedRun[]) =>
    runs.every((run) => run.status === 'finished' && run.steps.join() === everyStep.join());
  await expect.poll(() => savedRuns(page), { timeout: 10_000 }).toSatisfy(finished);
  return savedRuns(page);
}

async function resumeToTheEnd(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Resume from checkpoint' }).click();
  await finishedRuns(page);
}

const isCut = (shown: number) => (runs: SavedRun[]) =>
  runs.every((run) => run.status === 'stopped' && run.steps.at(-1)! >= shown);

describe('persistence and recovery', () => {
  it('keeps every point a reloaded run showed in the history, and resumes it from its saved checkpoint', async () => {
    const { page, errors } = await openLink();
    await page.getByRole('button', { name: 'Start training' }).click();
    await waitForStep(page, 6);
    const shown = await lastShownStep(page);
    await page.reload();

    // Everything shown before the reload was kept (stashed as the page went, saved by the new one).
    await expect
      .poll(() => savedRuns(page), { timeout: 10_000 })
      .toSatisfy((runs: SavedRun[]) => runs.every((run) => run.status === 'running' && run.steps.at(-1)! >= shown));
    const history = page.getByRole('region', { name: 'Saved experiments' });
    await history
      .getByRole('button', { name: /^Open tiny-demo/ })
      .first()
      .click();
    await page.getByTestId('training-status').filter({ hasText: 'Interrupted' }).waitFor();
    expect(await page.getByRole('alert').first().innerText()).toMatch(
      /^Interrupted at step \d+ \(the page was closed or reloaded, or the worker crashed\)/,
    );
    await resumeToTheEnd(page);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it.each<[Mishap, RegExp]>([
    [
      'crash',
      /^The training worker crashed at step \d+ \(Simulated crash \(the test-only simulateFault command\)\)\. Every metric it sent is kept\./,
    ],
    [
      'silent death',
      /^The training worker crashed at step \d+ \(it stopped without an error: no heartbeat for \d+ s\)\. Every metric it sent is kept\./,
    ],
    [
      'device-lost',
      /^The GPU device was lost at step \d+; the runs stopped and the metrics recorded until then are kept\./,
    ],
  ])(
    'survives a %s mid-run: says so, keeps the metrics, saves them and resumes on a new device',
    async (mishap, message) => {
      const { page, errors } = await openLink();
      await page.getByRole('button', { name: 'Start training' }).click();
      await waitForStep(page, 6);
      const shown = await lastShownStep(page);
      await simulateFault(page, mishap);

      await page.getByTestId('training-status').filter({ hasText: 'Interrupted' }).waitFor({ timeout: 30_000 });
      expect(await page.getByRole('alert').first().innerText()).toMatch(message);
      expect(await lastShownStep(page)).toBeGreaterThanOrEqual(shown);
      await expect.poll(() => savedRuns(page), { timeout: 10_000 }).toSatisfy(isCut(shown));
      await resumeToTheEnd(page);
      expect(errors).toEqual([]);
      await page.close();
    },
    120_000,
  );

  it('pauses every run when one turns NaN, names step, head and value, and rolls it back at half the learning rate', async () => {
    const { page, errors } = await openLink();
    await page.getByRole('button', { name: 'Start training' }).click();
    await waitForStep(page, 6);
    await simulateFault(page, 'divergence');

    await page.getByTestId('training-status').filter({ hasText: 'Paused' }).waitFor({ timeout: 30_000 });
    const alert = await page.getByRole('alert').first().innerText();
    const [, step, rollbackStep] =
      /^Step (\d+): the loss is NaN for the NLLvMF .* head \(run "head: NLLvMF.*"\)\. Training paused; every metric recorded is kept\. Roll it back to its checkpoint at step (\d+) with half the learning rate, or end it/.exec(
        alert,
      ) ?? [];
    expect(step, alert).toBeDefined();
    expect(Number(rollbackStep)).toBeLessThan(Number(step));
    expect(await page.getByRole('button', { name: 'Resume training' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: /^Roll back “head: NLLvMF/ }).click();

    const [softmax, vmf] = await finishedRuns(page);
    const ratios = vmf!.learningRates.map((rate, i) => rate / softmax!.learningRates[i]!);
    expect(ratios).toEqual(everyStep.map((s) => (s <= Number(rollbackStep) ? 1 : 0.5)));
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
