// When the page's training worker checkpoints its runs, so that a lost device, a crashed worker or a
// reload costs little training. A checkpoint waits for the run's steps in flight and reads every
// parameter with its two Adam moments back from the GPU (12 bytes per parameter), so it is taken by
// time, not by step: after the first step, then every `checkpointIntervalMs` of training. All runs
// of a comparison are checkpointed after the same step. A run whose config sets
// train.checkpointEvery keeps that cadence instead.
import type { TrainingRun } from './run';

const checkpointIntervalMs = 30_000;

/** A `checkpointDue` for runComparison; `now` is injectable for tests. */
export function checkpointSchedule(
  intervalMs = checkpointIntervalMs,
  now: () => number = () => performance.now(),
): (run: TrainingRun) => boolean {
  let lastAt = -Infinity;
  let decidedStep = -1;
  let due = false;
  return (run) => {
    const every = run.config.train.checkpointEvery;
    if (every > 0) return run.step % every === 0;
    // Asked once per run after each step: the first run to reach a step decides for all of them.
    if (run.step !== decidedStep) {
      decidedStep = run.step;
      due = now() - lastAt >= intervalMs;
      if (due) lastAt = now();
    }
    return due;
  };
}
