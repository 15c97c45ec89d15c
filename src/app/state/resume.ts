// Resuming a comparison in a new worker (so on a new GPU device) from its runs' checkpoints, after a
// lost device, a crashed worker or a reload. Only the runs that were cut off go to the new worker;
// the ones that finished or failed stay as they are.
import type { RunRequest } from '../../train/protocol';
import type { TrainingView } from './fold';

export interface ResumePlan {
  /** Record indices of the runs to resume, in the order the new worker gets them. */
  indices: number[];
  runs: RunRequest[];
  /** The earliest checkpoint among them: the comparison goes on from there. */
  fromStep: number;
}

/** What a resume would train, or undefined when nothing can resume: every stopped run needs a checkpoint. */
export function resumePlan(view: TrainingView): ResumePlan | undefined {
  if (view.state !== 'interrupted' && view.state !== 'stopped') return undefined;
  const indices = view.records.flatMap((record, i) => (record.status === 'stopped' ? [i] : []));
  const checkpoints = indices.map((i) => view.checkpoints[i]);
  if (indices.length === 0 || checkpoints.some((checkpoint) => !checkpoint)) return undefined;
  return {
    indices,
    runs: indices.map((i, k) => ({
      label: view.records[i]!.label,
      config: view.records[i]!.config,
      resume: checkpoints[k]!.bytes,
    })),
    fromStep: Math.min(...checkpoints.map((checkpoint) => checkpoint!.step)),
  };
}

/** The view while the new worker starts: the resumed runs are running again, without their old error. */
export function resumingView(view: TrainingView, plan: ResumePlan): TrainingView {
  const records = view.records.map((record, i) => {
    if (!plan.indices.includes(i)) return record;
    const { error: _replaced, ...rest } = record;
    return { ...rest, status: 'running' as const };
  });
  return { ...view, state: 'preparing', message: undefined, records, held: [], workerRuns: plan.indices };
}
