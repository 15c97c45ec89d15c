// How the training worker's messages become the page's view of a comparison: a pure reducer, so
// the store stays a thin shell and the rules (records only ever grow; errors never clear them)
// are unit-tested without a worker.
import { adapterLine, type AdapterSummary } from '../../gpu';
import type { RunRequest, WorkerEvent, WorkerState } from '../../train/protocol';
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
}

export const idleView: TrainingView = { state: 'idle', steps: 0, totalSteps: 0, records: [] };

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
  return { state: 'preparing', steps: 0, totalSteps: 0, records };
}

/** A new view for `event`; records that did not change keep their identity, for cheap re-renders. */
export function foldEvent(view: TrainingView, event: WorkerEvent): TrainingView {
  switch (event.type) {
    case 'adapter': {
      const adapter = adapterLine(event.summary);
      return { ...view, adapter: event.summary, records: view.records.map((record) => ({ ...record, adapter })) };
    }
    case 'prepared':
      return { ...view, totalSteps: event.steps };
    case 'progress': {
      const records = view.records.map((record, i) => {
        const run = event.runs[i];
        if (!run || (run.metrics.length === 0 && run.status === record.status)) return record;
        const next: RunRecord = { ...record, status: run.status, metrics: [...record.metrics, ...run.metrics] };
        if (run.error !== undefined) next.error = run.error;
        return next;
      });
      return { ...view, steps: event.step, records };
    }
    case 'eval':
      return {
        ...view,
        records: view.records.map((record, i) => (i === event.runIndex ? { ...record, evals: [...record.evals, event.point] } : record)),
      };
    case 'finished':
      return { ...view, records: event.record.runs };
    case 'error': {
      // What the runs recorded stays; the ones still going end with the worker's message.
      const records = view.records.map((record) => (record.status === 'running' ? { ...record, status: 'failed' as const, error: event.message } : record));
      return { ...view, state: 'failed', message: event.message, records };
    }
    case 'status':
      // An explicit undefined, not an absent key: the store merges, and an old message must go.
      return { ...view, state: event.state, message: event.message };
  }
}

/**
 * The view of a saved or imported comparison. A run saved while it was still training was cut off
 * (a reload, a closed tab, a crashed worker): it shows as stopped, with what it recorded.
 */
export function savedView(saved: readonly RunRecord[]): TrainingView {
  const records = saved.map((record): RunRecord => {
    if (record.status !== 'running') return record;
    const step = record.metrics.at(-1)?.step ?? 0;
    return { ...record, status: 'stopped', error: `Interrupted at step ${step} (the page was closed or reloaded, or the worker crashed); the metrics recorded until then are kept.` };
  });
  const statuses = new Set(records.map((r) => r.status));
  const state: TrainingState = statuses.size === 1 && statuses.has('failed') ? 'failed' : statuses.has('stopped') ? 'stopped' : 'finished';
  const steps = Math.max(0, ...records.map((r) => r.metrics.at(-1)?.step ?? 0));
  const totalSteps = Math.max(0, ...records.map((r) => r.config.train.steps));
  const interrupted = records.find((_, i) => saved[i]!.status === 'running');
  return { state, steps, totalSteps, records, ...(interrupted ? { message: interrupted.error } : {}) };
}
