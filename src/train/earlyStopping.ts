// The rule that ends a run once it has stopped learning: after each evaluation, a run whose
// validation figure (`train.stopOn`) has not improved on its best for `train.patience` evaluations
// in a row is finished there.
// - 'loss': validation loss, improving when below the best by more than 0.1 % of the distance it
//   has come since the first evaluation, so a plateau's float noise does not keep a run going. The
//   step is measured on the run's own progress, not on the loss's size: NLLvMF's loss sits near
//   −log C_m(κ) (about −41 at m = 64, −87 at m = 100), an offset that 0.1 % of the size would turn
//   into a bar ten times its progress per evaluation (it stopped a language model at step 700 with
//   its accuracy still rising), while softmax's bar barely moves (0.1 % of ~1 nat against ~4.3).
// - 'accuracy': validation token accuracy @1, improving when above the best by more than 0.1
//   percentage points. It means the same for every head, where losses do not.

const minShareOfProgress = 1e-3;
const minAccuracyImprovement = 1e-3;

export type StopOn = 'loss' | 'accuracy';

type Evaluation = { step: number; validLoss: number; accuracy1: number };

const improves: Record<StopOn, (e: Evaluation, best: Evaluation, first: Evaluation) => boolean> = {
  loss: (e, best, first) =>
    e.validLoss < best.validLoss - minShareOfProgress * Math.max(0, first.validLoss - best.validLoss),
  accuracy: (e, best) => e.accuracy1 > best.accuracy1 + minAccuracyImprovement,
};

/** How many evaluations have passed since the best one (0: the latest is the best), and the best's step. */
export function sinceBest(
  evals: readonly Evaluation[],
  stopOn: StopOn = 'loss',
): { evaluations: number; bestStep: number } | undefined {
  if (evals.length === 0) return undefined;
  let best = 0;
  for (let i = 1; i < evals.length; i++) if (improves[stopOn](evals[i]!, evals[best]!, evals[0]!)) best = i;
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
