// The worker protocol's pure parts: how events fold into records, the throttled incremental
// progress messages, the pause/step/stop gate, what a finished comparison amounts to, and how an
// interrupted comparison resumes (checkpoints, restored records, held runs, a crashed worker).
import { describe, expect, it } from 'vitest';
import { foldEvent, savedView, startingView, type TrainingView } from '../../src/app/state/fold';
import { resumePlan, resumingView } from '../../src/app/state/resume';
import { applyOverrides } from '../../src/experiments/overrides';
import { defaultConfig } from '../../src/experiments/config';
import type { AdapterSummary } from '../../src/gpu';
import { checkpointSchedule } from '../../src/train/checkpointSchedule';
import { StepGate } from '../../src/train/gate';
import { ProgressReporter, comparisonOutcome, progressIntervalMs, type WorkerEvent } from '../../src/train/protocol';
import type { ComparisonRecord, MetricPoint, RunRecord } from '../../src/train/record';
import type { TrainingRun } from '../../src/train/run';

const point = (step: number, loss = 1 / step): MetricPoint => ({
  step,
  wallMs: step * 10,
  tokens: step * 8,
  loss,
  learningRate: 1e-3,
});
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
    const adapter = {
      vendor: 'google',
      architecture: 'swiftshader',
      device: '',
      description: '',
      isFallback: false,
      features: [],
      limits: {},
    } as AdapterSummary;
    const kernels = ['matmul: register (cached)', 'top-k search: matmul (cached)'];
    const start = fold([
      { type: 'adapter', summary: adapter, kernels },
      { type: 'prepared', runs: 2, steps: 12 },
      { type: 'status', state: 'running' },
    ]);
    expect(start.adapter).toBe(adapter);
    expect(start.kernels).toEqual(kernels);
    expect(start.records[0]!.adapter).toBe('Adapter: google / swiftshader');
    expect(start.totalSteps).toBe(12);

    const view = fold(
      [
        {
          type: 'progress',
          step: 2,
          runs: [
            { label: 'a', status: 'running', metrics: [point(1), point(2)] },
            { label: 'b', status: 'running', metrics: [point(1)] },
          ],
        },
        {
          type: 'progress',
          step: 3,
          runs: [
            { label: 'a', status: 'running', metrics: [point(3)] },
            { label: 'b', status: 'running', metrics: [] },
          ],
        },
        { type: 'eval', runIndex: 1, point: { step: 3, wallMs: 40, validLoss: 2, accuracy1: 0.5, accuracy5: 0.9 } },
      ],
      start,
    );
    expect(view.steps).toBe(3);
    expect(view.records[0]!.metrics.map((m) => m.step)).toEqual([1, 2, 3]);
    expect(view.records[1]!.metrics.map((m) => m.step)).toEqual([1]);
    expect(view.records[1]!.evals.map((e) => e.step)).toEqual([3]);
    expect(view.records[0]!.evals).toEqual([]);

    const unchanged = foldEvent(view, {
      type: 'progress',
      step: 4,
      runs: [
        { label: 'a', status: 'running', metrics: [] },
        { label: 'b', status: 'running', metrics: [point(2)] },
      ],
    });
    expect(unchanged.records[0]).toBe(view.records[0]);
    expect(unchanged.records[1]).not.toBe(view.records[1]);
  });

  it('takes the baselines and an early stop from progress, before the final record', () => {
    const baselines = { copyBleu: 53.9 };
    const earlyStop = { step: 40, bestStep: 20, patience: 2 };
    const view = fold([
      {
        type: 'progress',
        step: 1,
        runs: [
          { label: 'a', status: 'running', baselines, metrics: [point(1)] },
          { label: 'b', status: 'running', baselines, metrics: [point(1)] },
        ],
      },
      {
        type: 'progress',
        step: 40,
        runs: [
          { label: 'a', status: 'finished', baselines, earlyStop, metrics: [] },
          { label: 'b', status: 'running', baselines, metrics: [] },
        ],
      },
    ]);
    expect(view.records.map((r) => [r.status, r.baselines, r.earlyStop])).toEqual([
      ['finished', baselines, earlyStop],
      ['running', baselines, undefined],
    ]);
  });

  it('takes a run failure from progress, and the final record from finished', () => {
    const failed = fold([
      {
        type: 'progress',
        step: 5,
        runs: [{ label: 'a', status: 'failed', error: 'Step 5: the loss is NaN', metrics: [point(4)] }],
      },
    ]);
    expect(failed.records[0]!.status).toBe('failed');
    expect(failed.records[0]!.error).toBe('Step 5: the loss is NaN');
    expect(failed.records[1]!.status).toBe('running');

    const final: RunRecord = {
      ...failed.records[1]!,
      status: 'finished',
      metrics: [point(1), point(2)],
      speed: { tokensPerSecond: 100, compileMs: 5, warmupMs: 1, msPerStep: { total: 3 } },
    };
    const record: ComparisonRecord = {
      format: 'continuum-comparison',
      formatVersion: 1,
      runs: [failed.records[0]!, final],
    };
    const done = fold(
      [
        { type: 'finished', record },
        { type: 'status', state: 'finished' },
      ],
      failed,
    );
    expect(done.records[1]!.speed!.tokensPerSecond).toBe(100);
    expect(done.state).toBe('finished');
  });

  it('keeps every recorded metric on an error and ends the runs still going with its message', () => {
    const view = fold([
      {
        type: 'progress',
        step: 2,
        runs: [
          { label: 'a', status: 'running', metrics: [point(1), point(2)] },
          { label: 'b', status: 'stopped', metrics: [point(1)] },
        ],
      },
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
    const view = fold([
      { type: 'status', state: 'stopped', message: 'The GPU device was lost at step 4' },
      { type: 'status', state: 'running' },
    ]);
    expect(view).toHaveProperty('message', undefined);
    expect(view.state).toBe('running');
  });
});

describe('ProgressReporter', () => {
  it('sends only new points, at most every interval, and everything on flush', () => {
    const sent: WorkerEvent[] = [];
    let now = 0;
    const reporter = new ProgressReporter(
      (e) => sent.push(e),
      () => now,
    );
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
    // A rollback leaves the record with its first point: the points after it are new again.
    record.metrics.splice(1);
    reporter.rewind(0, 1);
    record.metrics.push(point(2));
    reporter.flush([record]);
    const steps = sent.map((e) =>
      e.type === 'progress' ? [e.step, e.runs[0]!.metrics.map((m) => m.step)] : undefined,
    );
    expect(steps).toEqual([
      [1, [1]],
      [3, [2, 3]],
      [3, []],
      [3, [2]],
    ]);
  });
});

/** The gate settles through promises only: once a macrotask runs, every microtask queued before it has. */
const everyQueuedMicrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('StepGate', () => {
  it('lets steps through while running, holds them while paused, one per step command, and stops', async () => {
    const log: string[] = [];
    const gate = new StepGate({ onPause: () => void log.push('paused'), onResume: () => void log.push('resumed') });
    expect(await gate.next()).toBe(true);

    gate.set('pause');
    const held = gate.next();
    let released: boolean | undefined;
    void held.then((value) => (released = value));
    await everyQueuedMicrotask();
    expect(released).toBeUndefined();
    expect(log).toEqual(['paused']);

    gate.set('step');
    expect(await held).toBe(true);
    const next = gate.next();
    await everyQueuedMicrotask();
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
    runs: statuses.map(([status, error], i) => ({
      ...startingView(runs).records[0]!,
      label: `run ${i}`,
      status,
      ...(error ? { error } : {}),
    })),
  });

  it('is stopped when a run stopped, failed only when every run failed, and names failed runs', () => {
    expect(comparisonOutcome(record(['finished'], ['finished']))).toEqual({ state: 'finished' });
    expect(comparisonOutcome(record(['stopped', 'The GPU device was lost at step 4'], ['stopped']))).toEqual({
      state: 'stopped',
      message: 'The GPU device was lost at step 4',
    });
    expect(comparisonOutcome(record(['failed', 'NaN'], ['finished']))).toEqual({
      state: 'finished',
      message: 'run 0: NaN',
    });
    expect(comparisonOutcome(record(['failed', 'NaN'], ['failed', 'Inf']))).toEqual({
      state: 'failed',
      message: 'run 0: NaN\nrun 1: Inf',
    });
  });

  it('is interrupted (resumable) when the runs stopped because the device was lost', () => {
    expect(comparisonOutcome(record(['stopped', 'The GPU device was lost at step 4'], ['stopped']), true)).toEqual({
      state: 'interrupted',
      message: 'The GPU device was lost at step 4',
    });
  });
});

describe('recovering an interrupted comparison', () => {
  const bytes = (step: number) => new Uint8Array([step]);
  const running = fold([
    {
      type: 'progress',
      step: 3,
      runs: [0, 1].map(() => ({ label: '', status: 'running' as const, metrics: [point(1), point(2), point(3)] })),
    },
  ]);

  it("keeps each run's latest checkpoint and, on a crash, keeps every metric and offers to resume from them", () => {
    const view = fold(
      [
        { type: 'checkpoint', runIndex: 0, step: 1, bytes: bytes(1) },
        { type: 'checkpoint', runIndex: 1, step: 2, bytes: bytes(2) },
        { type: 'checkpoint', runIndex: 0, step: 2, bytes: bytes(2) },
        { type: 'crashed', message: 'RangeError: out of memory' },
      ],
      running,
    );
    expect(view.state).toBe('interrupted');
    expect(view.message).toBe(
      'The training worker crashed at step 3 (RangeError: out of memory). Every metric it sent is kept.',
    );
    expect(view.records.map((r) => [r.status, r.metrics.length, r.error])).toEqual([
      ['stopped', 3, view.message],
      ['stopped', 3, view.message],
    ]);
    const plan = resumePlan(view)!;
    expect(plan.indices).toEqual([0, 1]);
    expect(plan.fromStep).toBe(2);
    expect(plan.runs.map((r) => [r.label, r.resume])).toEqual([
      ['head: softmax', bytes(2)],
      ['head: vmf', bytes(2)],
    ]);
    // Without a checkpoint for every cut-off run there is nothing to resume from.
    expect(resumePlan({ ...view, checkpoints: [view.checkpoints[0]] })).toBeUndefined();
    expect(resumePlan({ ...view, state: 'running' })).toBeUndefined();
  });

  it("resumes only the runs that were cut off, mapping the new worker's runs back to their records", () => {
    const cut: TrainingView = {
      ...running,
      state: 'interrupted',
      records: [
        { ...running.records[0]!, status: 'finished' },
        { ...running.records[1]!, status: 'stopped', error: 'The GPU device was lost at step 3' },
      ],
      checkpoints: [undefined, { step: 2, bytes: bytes(2) }],
    };
    const plan = resumePlan(cut)!;
    expect(plan.indices).toEqual([1]);
    const resuming = resumingView(cut, plan);
    expect(resuming.records.map((r) => [r.status, r.error])).toEqual([
      ['finished', undefined],
      ['running', undefined],
    ]);
    // Worker run 0 is record 1: the restored record drops point 3, which is trained again.
    const view = fold(
      [
        { type: 'restored', runIndex: 0, metrics: [point(1), point(2)], evals: [] },
        { type: 'progress', step: 3, runs: [{ label: 'b', status: 'running', metrics: [point(3, 0.25)] }] },
        { type: 'checkpoint', runIndex: 0, step: 3, bytes: bytes(3) },
      ],
      resuming,
    );
    expect(view.records[0]).toBe(resuming.records[0]);
    expect(view.records[1]!.metrics.map((m) => [m.step, m.loss])).toEqual([
      [1, 1],
      [2, 0.5],
      [3, 0.25],
    ]);
    expect(view.checkpoints[1]).toEqual({ step: 3, bytes: bytes(3) });
    const done = fold(
      [
        {
          type: 'finished',
          record: {
            format: 'continuum-comparison',
            formatVersion: 1,
            runs: [{ ...view.records[1]!, status: 'finished' }],
          },
        },
        { type: 'weights', runIndex: 0, bytes: bytes(8) },
      ],
      view,
    );
    expect(done.records.map((r) => r.status)).toEqual(['finished', 'finished']);
    // Worker run 0's weights belong to record 1; record 0 finished in an earlier worker and has none.
    expect(done.weights).toEqual([undefined, { bytes: bytes(8) }]);
    const failed = fold([{ type: 'weights', runIndex: 0, error: 'The weights could not be read: lost' }], done);
    expect(failed.weights[1]).toEqual({ error: 'The weights could not be read: lost' });
  });

  it('lists the runs the NaN guard holds until the worker says they are decided', () => {
    const message = 'Step 4: the loss is NaN for the NLLvMF head (run "head: vmf"). Training paused; …';
    const held = fold([{ type: 'held', runs: [{ runIndex: 1, message, rollbackStep: 2 }] }], running);
    expect(held.held).toEqual([{ runIndex: 1, message, rollbackStep: 2 }]);
    const rolledBack = fold(
      [
        { type: 'restored', runIndex: 1, metrics: [point(1), point(2)], evals: [] },
        { type: 'held', runs: [] },
      ],
      held,
    );
    expect(rolledBack.held).toEqual([]);
    expect(rolledBack.records[1]!.metrics.map((m) => m.step)).toEqual([1, 2]);
    expect(rolledBack.records[0]!.metrics.map((m) => m.step)).toEqual([1, 2, 3]);
  });

  it('shows a comparison saved mid-run as interrupted, resumable from the checkpoints saved with it', () => {
    const saved = savedView(running.records, [
      { step: 2, bytes: bytes(2) },
      { step: 2, bytes: bytes(2) },
    ]);
    expect(saved.state).toBe('interrupted');
    expect(saved.message).toMatch(/^Interrupted at step 3 \(the page was closed or reloaded, or the worker crashed\)/);
    expect(resumePlan(saved)?.fromStep).toBe(2);
    expect(resumePlan(savedView(running.records))).toBeUndefined();
  });
});

describe('checkpointSchedule', () => {
  const at = (step: number, checkpointEvery = 0) =>
    ({
      step,
      config: applyOverrides(defaultConfig, { 'train.checkpointEvery': checkpointEvery }),
    }) as unknown as TrainingRun;

  it('checkpoints after the first step, then once the interval has passed, every run after the same step', () => {
    let now = 0;
    const due = checkpointSchedule(1000, () => now);
    const decisions: boolean[][] = [];
    for (let step = 1; step <= 5; step++) {
      now = step * 400;
      decisions.push([due(at(step)), due(at(step))]);
    }
    // Times 400 (first), 800, 1200, 1600 (≥ 1000 after 400), 2000.
    expect(decisions).toEqual([
      [true, true],
      [false, false],
      [false, false],
      [true, true],
      [false, false],
    ]);
  });

  it("keeps a run's train.checkpointEvery when it sets one", () => {
    const due = checkpointSchedule(1000, () => 0);
    expect([1, 2, 3, 4, 6].map((step) => due(at(step, 3)))).toEqual([false, false, true, false, true]);
  });
});
