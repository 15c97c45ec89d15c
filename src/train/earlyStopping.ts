// The rule that ends a run once it has stopped learning: after each evaluation, a run whose
// validation figure (`train.stopOn`) has not improved on its best for `train.patience` evaluations
// in a row is finished there.
// - 'loss': validation loss, improving when below the best by more than 0.1 % of the best's size,
//   so float noise around a plateau does not keep a run going.
// - 'accuracy': validation token accuracy @1, improving when above the best by more than 0.1
//   percentage points. It means the same for every head, where losses do not: NLLvMF's loss sits
//   near −log C_m(κ) (about −87 at m = 100), moves with κ more than with the predictions, and
//   0.1 % of it is a large step.

const minRelativeImprovement = 1e-3;
const minAccuracyImprovement = 1e-3;

export type StopOn = 'loss' | 'accuracy';

type Evaluation = { step: number; validLoss: number; accuracy1: number };

const improves: Record<StopOn, (e: Evaluation, best: Evaluation) => boolean> = {
  loss: (e, best) => e.validLoss < best.validLoss - minRelativeImprovement * Math.abs(best.validLoss),
  accuracy: (e, best) => e.accuracy1 > best.accuracy1 + minAccuracyImprovement,
};

/** How many evaluations have passed since the best one (0: the latest is the best), and the best's step. */
export function sinceBest(
  evals: readonly Evaluation[],
  stopOn: StopOn = 'loss',
): { evaluations: number; bestStep: number } | undefined {
  if (evals.length === 0) return undefined;
  let best = 0;
  for (let i = 1; i < evals.length; i++) if (improves[stopOn](evals[i]!, evals[best]!)) best = i;
  return { evaluations: evals.length - 1 - best, bestStep: evals[best]!.step };
}

/**
 * The step of the best evaluation when the run should stop now; undefined to go on (or when patience
 * is 0, off, or the latest evaluation comes before step `minSteps`).
 */
export function stopAfter(
  evals: readonly Evaluation[],
  patience: number,
  stopOn: StopOn = 'loss',
  minSteps = 0,
): number | undefined {
  const tooEarly = (evals.at(-1)?.step ?? 0) < minSteps;
  const since = patience > 0 && !tooEarly ? sinceBest(evals, stopOn) : undefined;
  return since && since.evaluations >= patience ? since.bestStep : undefined;
}
