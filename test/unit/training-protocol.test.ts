// The worker protocol's pure parts: how events fold into records, the throttled incremental
// progress messages, the pause/step/stop gate, and what a finished comparison amounts to.
import { describe, expect, it } from 'vitest';
import { foldEvent, startingView, type TrainingView } from '../../src/app/state/fold';
import { defaultConfig } from '../../src/experiments/config';
import type { AdapterSummary } from '../../src/gpu';
import { StepGate } from '../../src/train/gate';
import { ProgressReporter, comparisonOutcome, progressIntervalMs, type WorkerEvent } from '../../src/train/protocol';
import type { ComparisonRecord, MetricPoint, RunRecord } from '../../src/train/record';

const point = (step: number, loss = 1 / step): MetricPoint => ({ step, wallMs: step * 10, tokens: step * 8, loss, learningRate: 1e-3 });
const runs = [
  { label: 'head: softmax', config: defaultConfig },
  { label: 'head: vmf', config: defaultConfig },
];
const fold = (events: WorkerEvent[], view: TrainingView = startingView(runs)) => events.reduce(foldEvent, view);

describe('folding worker events into the training view', () => {
  it('starts with one empty running record per run', () => {
    const view = startingView(runs, new Date('2025-01-02T03:04:05Z'));
    expect(view.state).toBe('preparing');
    expect(view.records.map((r) => [r.label, r.status, r.metrics.length, r.startedAt])).toEqual([
      ['head: softmax', 'running', 0, '2025-01-02T03:04:05.000Z'],
      ['head: vmf', 'running', 0, '2025-01-02T03:04:05.000Z'],
    ]);
  });

  it('appends new metric points and evaluations, and leaves untouched records as they were', () => {
    const adapter = { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallback: false, features: [], limits: {} } as AdapterSummary;
    const start = fold([{ type: 'adapter', summary: adapter }, { type: 'prepared', runs: 2, steps: 12 }, { type: 'status', state: 'running' }]);
    expect(start.adapter).toBe(adapter);
    expect(start.records[0]!.adapter).toBe('Adapter: google / swiftshader');
    expect(start.totalSteps).toBe(12);

    const view = fold(
      [
        { type: 'progress', step: 2, runs: [{ label: 'a', status: 'running', metrics: [point(1), point(2)] }, { label: 'b', status: 'running', metrics: [point(1)] }] },
        { type: 'progress', step: 3, runs: [{ label: 'a', status: 'running', metrics: [point(3)] }, { label: 'b', status: 'running', metrics: [] }] },
        { type: 'eval', runIndex: 1, point: { step: 3, wallMs: 40, validLoss: 2, accuracy1: 0.5, accuracy5: 0.9 } },
      ],
      start,
    );
    expect(view.steps).toBe(3);
    expect(view.records[0]!.metrics.map((m) => m.step)).toEqual([1, 2, 3]);
    expect(view.records[1]!.metrics.map((m) => m.step)).toEqual([1]);
    expect(view.records[1]!.evals.map((e) => e.step)).toEqual([3]);
    expect(view.records[0]!.evals).toEqual([]);

    const unchanged = foldEvent(view, { type: 'progress', step: 4, runs: [{ label: 'a', status: 'running', metrics: [] }, { label: 'b', status: 'running', metrics: [point(2)] }] });
    expect(unchanged.records[0]).toBe(view.records[0]);
    expect(unchanged.records[1]).not.toBe(view.records[1]);
  });

  it('takes a run failure from progress, and the final record from finished', () => {
    const failed = fold([{ type: 'progress', step: 5, runs: [{ label: 'a', status: 'failed', error: 'Step 5: the loss is NaN', metrics: [point(4)] }] }]);
    expect(failed.records[0]!.status).toBe('failed');
    expect(failed.records[0]!.error).toBe('Step 5: the loss is NaN');
    expect(failed.records[1]!.status).toBe('running');

    const final: RunRecord = { ...failed.records[1]!, status: 'finished', metrics: [point(1), point(2)], speed: { tokensPerSecond: 100, compileMs: 5, warmupMs: 1, msPerStep: { total: 3 } } };
    const record: ComparisonRecord = { format: 'continuum-comparison', formatVersion: 1, runs: [failed.records[0]!, final] };
    const done = fold([{ type: 'finished', record }, { type: 'status', state: 'finished' }], failed);
    expect(done.records[1]!.speed!.tokensPerSecond).toBe(100);
    expect(done.state).toBe('finished');
  });

  it('keeps every recorded metric on an error and ends the runs still going with its message', () => {
    const view = fold([
      { type: 'progress', step: 2, runs: [{ label: 'a', status: 'running', metrics: [point(1), point(2)] }, { label: 'b', status: 'stopped', metrics: [point(1)] }] },
      { type: 'error', message: 'Training failed while training: boom', kind: 'internal' },
      { type: 'status', state: 'failed', message: 'Training failed while training: boom' },
    ]);
    expect(view.state).toBe('failed');
    expect(view.message).toBe('Training failed while training: boom');
    expect(view.records.map((r) => [r.status, r.metrics.length, r.error])).toEqual([
      ['failed', 2, 'Training failed while training: boom'],
      ['stopped', 1, undefined],
    ]);
  });

  it('replaces the message with every status, clearing it when the status has none', () => {
    const view = fold([{ type: 'status', state: 'stopped', message: 'The GPU device was lost at step 4' }, { type: 'status', state: 'running' }]);
    expect(view).toHaveProperty('message', undefined);
    expect(view.state).toBe('running');
  });
});

describe('ProgressReporter', () => {
  it('sends only new points, at most every interval, and everything on flush', () => {
    const sent: WorkerEvent[] = [];
    let now = 0;
    const reporter = new ProgressReporter((e) => sent.push(e), () => now);
    const record = { ...startingView(runs).records[0]!, metrics: [point(1)] };
    reporter.update(1, [record]);
    record.metrics.push(point(2));
    now = progressIntervalMs - 1;
    reporter.update(2, [record]);
    expect(sent).toHaveLength(1);
    record.metrics.push(point(3));
    now = progressIntervalMs;
    reporter.update(3, [record]);
    reporter.flush([record]);
    const steps = sent.map((e) => (e.type === 'progress' ? [e.step, e.runs[0]!.metrics.map((m) => m.step)] : undefined));
    expect(steps).toEqual([
      [1, [1]],
      [3, [2, 3]],
      [3, []],
    ]);
  });
});

describe('StepGate', () => {
  it('lets steps through while running, holds them while paused, one per step command, and stops', async () => {
    const log: string[] = [];
    const gate = new StepGate({ onPause: () => void log.push('paused'), onResume: () => void log.push('resumed') });
    expect(await gate.next()).toBe(true);

    gate.set('pause');
    const held = gate.next();
    let released: boolean | undefined;
    void held.then((value) => (released = value));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(released).toBeUndefined();
    expect(log).toEqual(['paused']);

    gate.set('step');
    expect(await held).toBe(true);
    const next = gate.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log).toEqual(['paused', 'resumed', 'paused']);

    gate.set('run');
    expect(await next).toBe(true);
    expect(await gate.next()).toBe(true);
    gate.set('stop');
    gate.set('run');
    expect(await gate.next()).toBe(false);
  });
});

describe('comparisonOutcome', () => {
  const record = (...statuses: Array<[RunRecord['status'], string?]>): ComparisonRecord => ({
    format: 'continuum-comparison',
    formatVersion: 1,
    runs: statuses.map(([status, error], i) => ({ ...startingView(runs).records[0]!, label: `run ${i}`, status, ...(error ? { error } : {}) })),
  });

  it('is stopped when a run stopped, failed only when every run failed, and names failed runs', () => {
    expect(comparisonOutcome(record(['finished'], ['finished']))).toEqual({ state: 'finished' });
    expect(comparisonOutcome(record(['stopped', 'The GPU device was lost at step 4'], ['stopped']))).toEqual({ state: 'stopped', message: 'The GPU device was lost at step 4' });
    expect(comparisonOutcome(record(['failed', 'NaN'], ['finished']))).toEqual({ state: 'finished', message: 'run 0: NaN' });
    expect(comparisonOutcome(record(['failed', 'NaN'], ['failed', 'Inf']))).toEqual({ state: 'failed', message: 'run 0: NaN\nrun 1: Inf' });
  });
});
