// The rule that ends a run once it has stopped learning: after each evaluation, a run whose validation
// loss has not improved on its best for `train.patience` evaluations in a row is finished there. An
// evaluation improves when its loss is below the best so far by more than 0.1 % of the best's size,
// so float noise around a plateau does not keep a run going.

export const minRelativeImprovement = 1e-3;

/** How many evaluations have passed since the best one (0: the latest is the best), and the best's step. */
export function sinceBest(evals: readonly { step: number; validLoss: number }[]): { evaluations: number; bestStep: number } | undefined {
  if (evals.length === 0) return undefined;
  let best = 0;
  for (let i = 1; i < evals.length; i++) {
    const threshold = evals[best]!.validLoss - minRelativeImprovement * Math.abs(evals[best]!.validLoss);
    if (evals[i]!.validLoss < threshold) best = i;
  }
  return { evaluations: evals.length - 1 - best, bestStep: evals[best]!.step };
}

/** The step of the best evaluation when the run should stop now; undefined to go on (or when patience is 0, off). */
export function stopAfter(evals: readonly { step: number; validLoss: number }[], patience: number): number | undefined {
  const since = patience > 0 ? sinceBest(evals) : undefined;
  return since && since.evaluations >= patience ? since.bestStep : undefined;
}
