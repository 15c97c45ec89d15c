// The engine's GPU memory after every step of a comparison, to show that a long run holds no more
// buffers or bytes than its first steps needed: evaluations and checkpoints included, since they
// allocate outside the training step and are where a forgotten tensor or staging buffer would hide.
import type { Engine, EngineMemory } from '../tensor/engine';
import type { ComparisonOptions, ProgressEvent } from './compare';

export interface MemoryPoint extends EngineMemory {
  /** Steps every run has taken when the snapshot was taken (its evaluation and checkpoint done). */
  step: number;
}

/**
 * `onProgress` for runComparison: snapshots the engine after each step, then hands the event on to
 * `next` (the caller's own listener, if any).
 */
export function memoryTrace(
  engine: Engine,
  next?: ComparisonOptions['onProgress'],
): { points: MemoryPoint[]; onProgress: NonNullable<ComparisonOptions['onProgress']> } {
  const points: MemoryPoint[] = [];
  return {
    points,
    onProgress: (event: ProgressEvent) => {
      if (event.kind === 'step') points.push({ step: event.step, ...engine.memory() });
      return next?.(event);
    },
  };
}

/**
 * The first snapshot after step `from` that holds more live buffers or bytes than the snapshot at
 * `from`; undefined when memory stayed flat.
 */
export function firstGrowth(points: readonly MemoryPoint[], from: number): MemoryPoint | undefined {
  const base = points.find((p) => p.step === from);
  if (!base) throw new Error(`No memory snapshot at step ${from}: the trace ends at step ${points.at(-1)?.step ?? 0}`);
  return points.find((p) => p.step > from && (p.buffers > base.buffers || p.bytes > base.bytes));
}
