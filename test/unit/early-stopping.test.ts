// Early stopping (src/train/earlyStopping.ts): when a run's validation loss has stopped improving.
import { describe, expect, it } from 'vitest';
import { parseConfig, defaultConfig } from '../../src/experiments/config';
import { sinceBest, stopAfter } from '../../src/train/earlyStopping';

const evals = (...losses: number[]) => losses.map((validLoss, i) => ({ step: 100 * (i + 1), validLoss }));

describe('early stopping', () => {
  it('counts evaluations since the best, which must beat it by more than 0.1 %', () => {
    expect(sinceBest([])).toBeUndefined();
    expect(sinceBest(evals(5, 4, 3))).toEqual({ evaluations: 0, bestStep: 300 });
    expect(sinceBest(evals(5, 4, 4.5, 4.2))).toEqual({ evaluations: 2, bestStep: 200 });
    // 3.999 is within 0.1 % of 4: a plateau, not an improvement.
    expect(sinceBest(evals(5, 4, 3.999, 3.998))).toEqual({ evaluations: 2, bestStep: 200 });
    expect(sinceBest(evals(-8, -8.1))).toEqual({ evaluations: 0, bestStep: 200 });
  });

  it('stops once patience evaluations have passed without improvement, and never when patience is 0', () => {
    expect(stopAfter(evals(5, 4, 4.5), 2)).toBeUndefined();
    expect(stopAfter(evals(5, 4, 4.5, 4.2), 2)).toBe(200);
    expect(stopAfter(evals(5, 5, 5, 5), 0)).toBeUndefined();
  });

  it('needs evaluations to compare', () => {
    const config = { ...defaultConfig, train: { ...defaultConfig.train, patience: 3, evalEvery: 0 } };
    expect(parseConfig(config)).toEqual({ errors: ['train.patience needs evaluations to compare: set train.evalEvery above 0, or train.patience to 0 (got 3)'] });
  });
});
