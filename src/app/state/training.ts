// The page's training state: one worker at a time, its events folded into records by foldEvent.
// Commands go to the worker and the state changes when the worker says so, so the page never
// shows "paused" while a step is still running.
import { create } from 'zustand';
import { useSharedResultsStore } from './sharedResults';
import { uploadsUsedBy } from '../../experiments/uploads';
import type { EvaluationOptions } from '../../train/evaluate';
import type { DivergenceAction, RunCheckpoint, RunRequest } from '../../train/protocol';
import { TrainingClient } from '../training/client';
import type { RunRecord } from '../../train/record';
import { foldEvent, idleView, savedView, startingView, type TrainingView } from './fold';
import { resumePlan, resumingView } from './resume';
import { useUploadsStore } from './uploads';

export interface TrainingStore extends TrainingView {
  /** Comparisons started on this page; a resume goes on with the current one. */
  comparisonsStarted: number;
  /** Starts a comparison in a fresh worker, ending any previous one. */
  start(runs: RunRequest[], preset?: string, evaluation?: Partial<EvaluationOptions>): void;
  pause(): void;
  resume(): void;
  /** One step, then paused. */
  step(): void;
  /** Ends the runs at the next step, keeping what they recorded. */
  stop(): void;
  /** Continues the runs that were cut off from their checkpoints, in a new worker on a new device. */
  resumeFromCheckpoints(): void;
  /** What to do with a run the NaN guard holds (its record index). */
  decideDivergence(runIndex: number, action: DivergenceAction): void;
  /** Ends the worker and forgets the runs. */
  reset(): void;
  /** Shows a saved or imported comparison (ending any worker), with the checkpoints saved beside it. */
  load(records: RunRecord[], checkpoints?: (RunCheckpoint | undefined)[]): void;
}

// Outside the state: components never render them, and they must not be copied by `set`.
let client: TrainingClient | undefined;
/** The preset and evaluation settings of the comparison on screen, for a resume. */
let launched: { preset?: string; evaluation?: Partial<EvaluationOptions> } = {};

export const useTrainingStore = create<TrainingStore>()((set, get) => {
  /** Ends any worker and starts `runs` in a new one, from the view `view`. */
  function launch(view: TrainingView, runs: RunRequest[]): void {
    client?.terminate();
    const current = new TrainingClient();
    client = current;
    set({ message: undefined, adapter: undefined, workerRuns: undefined, ...view });
    current.on((event) => {
      set((state) => foldEvent(state, event));
      // It closed itself; end it here too, so nothing of it lingers.
      if (event.type === 'crashed' && client === current) {
        current.terminate();
        client = undefined;
      }
    });
    // The worker cannot see the page's files: the runs' uploads go with the command.
    const uploads = uploadsUsedBy(
      useUploadsStore.getState().data,
      runs.map((run) => run.config),
    );
    current.start({ runs, ...launched, uploads });
  }

  return {
    ...idleView,
    comparisonsStarted: 0,

    start(runs, preset, evaluation) {
      // Training here ends the view of someone else's shared results (Start or "Re-run").
      useSharedResultsStore.getState().close();
      launched = { preset, evaluation };
      set((state) => ({ comparisonsStarted: state.comparisonsStarted + 1 }));
      launch(startingView(runs), runs);
    },
    pause: () => client?.pause(),
    resume: () => client?.resume(),
    step: () => client?.step(),
    stop: () => client?.stop(),
    resumeFromCheckpoints() {
      const view = get();
      const plan = resumePlan(view);
      if (plan) launch(resumingView(view, plan), plan.runs);
    },
    decideDivergence(runIndex, action) {
      const workerIndex = get().workerRuns?.indexOf(runIndex) ?? runIndex;
      client?.send({ type: 'divergence', runIndex: workerIndex, action });
    },
    reset() {
      // Read-only results with their runs forgotten would be an empty view: Reset ends it too.
      useSharedResultsStore.getState().close();
      client?.terminate();
      client = undefined;
      set({ ...idleView, message: undefined, adapter: undefined, workerRuns: undefined });
    },
    load(records, checkpoints) {
      client?.terminate();
      client = undefined;
      launched = {};
      set({ message: undefined, adapter: undefined, workerRuns: undefined, ...savedView(records, checkpoints) });
    },
  };
});
