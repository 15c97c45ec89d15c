// The page's training state: one worker at a time, its events folded into records by foldEvent.
// Commands go to the worker and the state changes when the worker says so, so the page never
// shows "paused" while a step is still running.
import { create } from 'zustand';
import { uploadsUsedBy } from '../../experiments/uploads';
import type { EvaluationOptions } from '../../train/evaluate';
import type { RunRequest } from '../../train/protocol';
import { TrainingClient } from '../training/client';
import type { RunRecord } from '../../train/record';
import { foldEvent, idleView, savedView, startingView, type TrainingView } from './fold';
import { useUploadsStore } from './uploads';

export interface TrainingStore extends TrainingView {
  /** Starts a comparison in a fresh worker, ending any previous one. */
  start(runs: RunRequest[], preset?: string, evaluation?: Partial<EvaluationOptions>): void;
  pause(): void;
  resume(): void;
  /** One step, then paused. */
  step(): void;
  /** Ends the runs at the next step, keeping what they recorded. */
  stop(): void;
  /** Ends the worker and forgets the runs. */
  reset(): void;
  /** Shows a saved or imported comparison (ending any worker). */
  load(records: RunRecord[]): void;
}

// Outside the state: components never render it, and it must not be copied by `set`.
let client: TrainingClient | undefined;

export const useTrainingStore = create<TrainingStore>()((set) => ({
  ...idleView,

  start(runs, preset, evaluation) {
    client?.terminate();
    const current = new TrainingClient();
    client = current;
    set({ ...startingView(runs), message: undefined, adapter: undefined });
    current.on((event) => set((view) => foldEvent(view, event)));
    // The worker cannot see the page's files: the runs' uploads go with the command.
    const uploads = uploadsUsedBy(useUploadsStore.getState().data, runs.map((run) => run.config));
    current.start({ runs, preset, evaluation, uploads });
  },
  pause: () => client?.pause(),
  resume: () => client?.resume(),
  step: () => client?.step(),
  stop: () => client?.stop(),
  reset() {
    client?.terminate();
    client = undefined;
    set({ ...idleView, message: undefined, adapter: undefined });
  },
  load(records) {
    client?.terminate();
    client = undefined;
    set({ message: undefined, adapter: undefined, ...savedView(records) });
  },
}));
