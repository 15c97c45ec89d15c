// Early stopping (src/train/earlyStopping.ts): when a run's validation loss has stopped improving.
import { describe, expect, it } from 'vitest';
import { parseConfig, defaultConfig } from '../../src/experiments/config';
import { sinceBest, stopAfter } from '../../src/train/earlyStopping';

const evals = (...losses: number[]) => losses.map((validLoss, i) => ({ step: 100 * (i + 1), validLoss, accuracy1: 0 }));
const accuracies = (...values: number[]) =>
  values.map((accuracy1, i) => ({ step: 100 * (i + 1), validLoss: -87.5, accuracy1 }));

describe('early stopping', () => {
  it('counts evaluations since the best, which must beat it by more than 0.1 % of the progress since the first', () => {
    expect(sinceBest([])).toBeUndefined();
    expect(sinceBest(evals(5, 4, 3))).toEqual({ evaluations: 0, bestStep: 300 });
    expect(sinceBest(evals(5, 4, 4.5, 4.2))).toEqual({ evaluations: 2, bestStep: 200 });
    // 5 → 4 is the progress; 0.1 % of it is 0.001: 3.9995 and 3.9991 are a plateau, 3.998 is not.
    expect(sinceBest(evals(5, 4, 3.9995, 3.9991))).toEqual({ evaluations: 2, bestStep: 200 });
    expect(sinceBest(evals(5, 4, 3.9995, 3.998))).toEqual({ evaluations: 0, bestStep: 400 });
    expect(sinceBest(evals(-8, -8.1))).toEqual({ evaluations: 0, bestStep: 200 });
  });

  it('does not depend on an offset of the loss: NLLvMF at −41 stops where the same curve at 4 does', () => {
    const curve = [5.32, 4.85, 4.69, 4.6, 4.59, 4.589, 4.5885, 4.5884, 4.5883];
    const shifted = curve.map((loss) => loss - 46);
    expect(stopAfter(evals(...shifted), 3)).toBe(stopAfter(evals(...curve), 3));
    expect(stopAfter(evals(...curve), 3)).toBe(600);
    // The curve NLLvMF's language model recorded: still learning (acc@1 9.8 → 17.8 %) by a few
    // hundredths per evaluation, which 0.1 % of |−41| (0.041) would have called a plateau.
    expect(stopAfter(evals(-40.9963, -41.0187, -41.0332, -41.0476, -41.0579, -41.066, -41.0711), 3)).toBeUndefined();
  });

  it('stops once patience evaluations have passed without improvement, and never when patience is 0', () => {
    expect(stopAfter(evals(5, 4, 4.5), 2)).toBeUndefined();
    expect(stopAfter(evals(5, 4, 4.5, 4.2), 2)).toBe(200);
    expect(stopAfter(evals(5, 5, 5, 5), 0)).toBeUndefined();
  });

  it('never stops before minSteps, then stops at the best evaluation so far', () => {
    expect(stopAfter(evals(5, 4, 4.5, 4.2), 2, 'loss', 500)).toBeUndefined();
    expect(stopAfter(evals(5, 4, 4.5, 4.2, 4.3), 2, 'loss', 500)).toBe(200);
    expect(stopAfter(evals(5, 4, 4.5, 4.2), 2, 'loss', 400)).toBe(200);
  });

  it('can watch token accuracy instead, which must rise by more than 0.1 points', () => {
    // The losses stay put (as NLLvMF's does while its predictions improve): only accuracy counts.
    expect(sinceBest(accuracies(0.07, 0.107, 0.115, 0.1155), 'accuracy')).toEqual({ evaluations: 1, bestStep: 300 });
    expect(sinceBest(accuracies(0.07, 0.107, 0.115, 0.1155), 'loss')).toEqual({ evaluations: 3, bestStep: 100 });
    expect(stopAfter(accuracies(0.3, 0.5, 0.49, 0.5005), 2, 'accuracy')).toBe(200);
    expect(stopAfter(accuracies(0.3, 0.5, 0.49, 0.502), 2, 'accuracy')).toBeUndefined();
  });

  it('needs evaluations to compare', () => {
    const config = { ...defaultConfig, train: { ...defaultConfig.train, patience: 3, evalEvery: 0 } };
    expect(parseConfig(config)).toEqual({
      errors: [
        'train.patience needs evaluations to compare: set train.evalEvery above 0, or train.patience to 0 (got 3)',
      ],
      issues: [
        {
          path: 'train.patience',
          message: 'needs evaluations to compare: set train.evalEvery above 0, or train.patience to 0 (got 3)',
          related: ['train.evalEvery'],
        },
      ],
    });
  });
});
