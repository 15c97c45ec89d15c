// How the training worker's messages become the page's view of a comparison: a pure reducer, so
// the store stays a thin shell and the rules (records only ever grow; errors never clear them)
// are unit-tested without a worker.
import { adapterLine, type AdapterSummary } from '../../gpu';
import type { HeldRun, RunCheckpoint, RunRequest, RunWeights, WorkerEvent, WorkerState } from '../../train/protocol';
import type { RunRecord } from '../../train/record';

export type TrainingState = 'idle' | WorkerState;

export interface TrainingView {
  state: TrainingState;
  /** Why training stopped or failed, or which runs failed on the way. */
  message?: string;
  /** Steps done so far. */
  steps: number;
  /** Steps in the comparison; 0 until the worker has prepared it. */
  totalSteps: number;
  /** One per run, in the order started; built from the events, replaced by the final record. */
  records: RunRecord[];
  adapter?: AdapterSummary;
  /** The kernel choices the worker's engine made for the adapter, one line each. */
  kernels?: string[];
  /** Each run's latest checkpoint, by record index: what a new worker resumes from. */
  checkpoints: (RunCheckpoint | undefined)[];
  /**
   * Each finished run's weights, by record index: only for runs that finished in this page's worker
   * (kept in memory; a saved comparison has none).
   */
  weights: (RunWeights | undefined)[];
  /** Runs the NaN guard holds (record indices), each awaiting a rollback or its end. */
  held: HeldRun[];
  /**
   * The record index of the worker's run i, when the worker trains only some of the records (a
   * resumed comparison whose other runs had ended); absent when it trains them all, in order.
   */
  workerRuns?: number[];
}

export const idleView: TrainingView = {
  state: 'idle',
  steps: 0,
  totalSteps: 0,
  records: [],
  checkpoints: [],
  weights: [],
  held: [],
};

/** The view right after asking the worker to start: empty records, so the runs show at once. */
export function startingView(runs: readonly RunRequest[], startedAt = new Date()): TrainingView {
  const records = runs.map(
    ({ label, config }): RunRecord => ({
      format: 'continuum-run',
      formatVersion: 1,
      label,
      config,
      adapter: '',
      startedAt: startedAt.toISOString(),
      status: 'running',
      metrics: [],
      evals: [],
    }),
  );
  return { state: 'preparing', steps: 0, totalSteps: 0, records, checkpoints: [], weights: [], held: [] };
}

function replaceAt(records: RunRecord[], index: number, update: (record: RunRecord) => RunRecord): RunRecord[] {
  return records.map((record, i) => (i === index ? update(record) : record));
}

/** An error nothing in the worker handled: it closed, so the runs still going are cut off, not failed. */
function crashedView(view: TrainingView, reason: string): TrainingView {
  const message = `The training worker crashed at step ${view.steps} (${reason}). Every metric it sent is kept.`;
  const records = view.records.map(
    (record): RunRecord => (record.status === 'running' ? { ...record, status: 'stopped', error: message } : record),
  );
  return { ...view, state: 'interrupted', message, records, held: [] };
}

/** A new view for `event`; records that did not change keep their identity, for cheap re-renders. */
export function foldEvent(view: TrainingView, event: WorkerEvent): TrainingView {
  const indexOf = (workerIndex: number) => view.workerRuns?.[workerIndex] ?? workerIndex;
  switch (event.type) {
    case 'adapter': {
      const adapter = adapterLine(event.summary);
      return {
        ...view,
        adapter: event.summary,
        kernels: event.kernels,
        records: view.records.map((record) => ({ ...record, adapter })),
      };
    }
    case 'prepared':
      return { ...view, totalSteps: event.steps };
    case 'progress': {
      const records = [...view.records];
      event.runs.forEach((run, i) => {
        const record = records[indexOf(i)];
        const news =
          run.metrics.length > 0 ||
          run.status !== record?.status ||
          (run.baselines && !record?.baselines) ||
          (run.earlyStop && !record?.earlyStop);
        if (!record || !news) return;
        const next: RunRecord = { ...record, status: run.status, metrics: [...record.metrics, ...run.metrics] };
        if (run.error !== undefined) next.error = run.error;
        if (run.baselines !== undefined) next.baselines = run.baselines;
        if (run.earlyStop !== undefined) next.earlyStop = run.earlyStop;
        records[indexOf(i)] = next;
      });
      return { ...view, steps: event.step, records };
    }
    case 'eval':
      return {
        ...view,
        records: replaceAt(view.records, indexOf(event.runIndex), (record) => ({
          ...record,
          evals: [...record.evals, event.point],
        })),
      };
    case 'checkpoint': {
      const checkpoints = [...view.checkpoints];
      checkpoints[indexOf(event.runIndex)] = { step: event.step, bytes: event.bytes };
      return { ...view, checkpoints };
    }
    case 'weights': {
      const weights = [...view.weights];
      const { type: _type, runIndex, ...runWeights } = event;
      weights[indexOf(runIndex)] = runWeights;
      return { ...view, weights };
    }
    case 'restored': {
      // The points after the checkpoint are trained again: they go, so the curves never double back.
      const restore = ({ error: _stale, ...record }: RunRecord): RunRecord => ({
        ...record,
        status: 'running',
        metrics: event.metrics,
        evals: event.evals,
      });
      return { ...view, records: replaceAt(view.records, indexOf(event.runIndex), restore) };
    }
    case 'held':
      return { ...view, held: event.runs.map((run) => ({ ...run, runIndex: indexOf(run.runIndex) })) };
    case 'finished': {
      const records = [...view.records];
      event.record.runs.forEach((run, i) => (records[indexOf(i)] = run));
      return { ...view, held: [], records };
    }
    case 'error': {
      // What the runs recorded stays; the ones still going end with the worker's message.
      const records = view.records.map((record) =>
        record.status === 'running' ? { ...record, status: 'failed' as const, error: event.message } : record,
      );
      return { ...view, state: 'failed', message: event.message, records, held: [] };
    }
    case 'crashed':
      return crashedView(view, event.message);
    case 'status':
      // An explicit undefined, not an absent key: the store merges, and an old message must go.
      return { ...view, state: event.state, message: event.message };
  }
}

/**
 * The view of a saved or imported comparison, with the checkpoints saved beside it. A run saved
 * while it was still training was cut off (a reload, a closed tab, a crashed worker): it shows as
 * stopped, with what it recorded, and the comparison as interrupted.
 */
export function savedView(saved: readonly RunRecord[], checkpoints: (RunCheckpoint | undefined)[] = []): TrainingView {
  const records = saved.map((record): RunRecord => {
    if (record.status !== 'running') return record;
    const step = record.metrics.at(-1)?.step ?? 0;
    return {
      ...record,
      status: 'stopped',
      error: `Interrupted at step ${step} (the page was closed or reloaded, or the worker crashed); the metrics recorded until then are kept.`,
    };
  });
  const interrupted = records.find((_, i) => saved[i]!.status === 'running');
  const statuses = new Set(records.map((r) => r.status));
  const state: TrainingState = interrupted
    ? 'interrupted'
    : statuses.size === 1 && statuses.has('failed')
      ? 'failed'
      : statuses.has('stopped')
        ? 'stopped'
        : 'finished';
  const steps = Math.max(0, ...records.map((r) => r.metrics.at(-1)?.step ?? 0));
  const totalSteps = Math.max(0, ...records.map((r) => r.config.train.steps));
  return {
    state,
    steps,
    totalSteps,
    records,
    checkpoints,
    weights: [],
    held: [],
    ...(interrupted ? { message: interrupted.error } : {}),
  };
}
