// Learning-rate schedules: linear warm-up from 0, then a decay. `step` counts from 0.

export type Decay = 'none' | 'linear' | 'inverse-sqrt' | 'cosine';

export interface ScheduleOptions {
  learningRate: number;
  warmupSteps: number;
  decay: Decay;
  /** The run's length: linear and cosine decay approach 0 at its end. */
  steps: number;
}

export function learningRateAt(step: number, { learningRate, warmupSteps, decay, steps }: ScheduleOptions): number {
  const done = step + 1;
  if (done <= warmupSteps) return (learningRate * done) / warmupSteps;
  // One past the last step, so the final update still moves the weights.
  const decayLength = Math.max(1, steps - warmupSteps + 1);
  const progress = Math.min(1, (done - warmupSteps) / decayLength);
  switch (decay) {
    case 'none':
      return learningRate;
    case 'linear':
      return learningRate * (1 - progress);
    case 'cosine':
      return learningRate * 0.5 * (1 + Math.cos(Math.PI * progress));
    case 'inverse-sqrt':
      // Vaswani et al.: continuous with the warm-up at its end, ∝ 1/√step afterwards.
      return learningRate * Math.sqrt(Math.max(1, warmupSteps) / done);
  }
}
