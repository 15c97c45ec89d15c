import { describe, expect, it } from 'vitest';
import { learningRateAt, type Decay } from '../../src/train/schedule';

const base = { learningRate: 1e-3, warmupSteps: 10, steps: 100 };

describe('learning-rate schedules', () => {
  it('warms up linearly from lr/warmup to lr', () => {
    expect(learningRateAt(0, { ...base, decay: 'none' })).toBeCloseTo(1e-4, 12);
    expect(learningRateAt(4, { ...base, decay: 'none' })).toBeCloseTo(5e-4, 12);
    expect(learningRateAt(9, { ...base, decay: 'none' })).toBeCloseTo(1e-3, 12);
  });

  it.each<[Decay, number]>([
    ['none', 1e-3],
    ['linear', 1e-3 / 91],
    ['cosine', 0.5e-3 * (1 + Math.cos(Math.PI * (90 / 91)))],
    ['inverse-sqrt', 1e-3 * Math.sqrt(10 / 100)],
  ])('%s decay: continuous after warm-up, still positive at the last step', (decay, last) => {
    expect(learningRateAt(10, { ...base, decay })).toBeLessThanOrEqual(1e-3);
    expect(learningRateAt(10, { ...base, decay })).toBeGreaterThan(0.95e-3);
    expect(learningRateAt(99, { ...base, decay })).toBeCloseTo(last, 12);
    expect(learningRateAt(99, { ...base, decay })).toBeGreaterThan(0);
  });

  it('never increases after warm-up', () => {
    for (const decay of ['none', 'linear', 'cosine', 'inverse-sqrt'] as const) {
      for (let step = 10; step < 99; step++) {
        expect(learningRateAt(step + 1, { ...base, decay })).toBeLessThanOrEqual(
          learningRateAt(step, { ...base, decay }),
        );
      }
    }
  });

  it('without warm-up starts at the full rate', () => {
    expect(learningRateAt(0, { ...base, warmupSteps: 0, decay: 'none' })).toBe(1e-3);
  });
});
