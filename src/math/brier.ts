// BrierLM (Shao et al. 2025, "Continuous Autoregressive Language Models"; methods.md, "BrierLM: one
// metric for every language-model head"): the Brier score of a model's distribution over the next n
// tokens, S(P, y) = 2P(y) − Σ_x P(x)², estimated without likelihoods from two samples per context,
// because E[1[x₁ = y] + 1[x₂ = y] − 1[x₁ = x₂]] = S(P, y) for independent x₁, x₂ ~ P. Here is the
// estimator over autoregressive rollouts, whatever draws the tokens; src/train/brierLm.ts draws them
// from a model's head.
import { keyedRandomSource, type RandomSource } from './directionalSampling';

/** Brier-1 to Brier-4: the next one to four tokens, as the CALM code reports them. */
export const brierOrders = 4;

/**
 * The exact Brier-n of a model that draws every token independently from u [V] (a unigram model), as
 * a function of the n tokens of an outcome: 2·Π_i u(y_i) − (Σ_x u(x)²)ⁿ, the n-gram distribution
 * being the product; at n = 1 the Brier score 2u(y) − Σu² itself. Σu² is summed once.
 */
export function unigramBrier(probabilities: ArrayLike<number>): (outcome: ArrayLike<number>) => number {
  let squares = 0;
  for (let x = 0; x < probabilities.length; x++) squares += probabilities[x]! ** 2;
  return (outcome) => {
    let truth = 1;
    for (let i = 0; i < outcome.length; i++) truth *= probabilities[outcome[i]!]!;
    return 2 * truth - squares ** outcome.length;
  };
}

/** An index drawn with probability proportional to `weights` [V] (they need not sum to 1 exactly). */
export function sampleCategorical(weights: ArrayLike<number>, random: RandomSource): number {
  let total = 0;
  for (let x = 0; x < weights.length; x++) total += weights[x]!;
  let left = random.uniform() * total;
  let last = 0;
  for (let x = 0; x < weights.length; x++) {
    if (weights[x]! <= 0) continue;
    last = x;
    left -= weights[x]!;
    if (left < 0) return x;
  }
  // Rounding left a sliver past the last positive weight.
  return last;
}

/** One evaluation position: the true prefix the model reads, and the true next `brierOrders` tokens. */
export interface BrierPosition {
  context: Int32Array;
  continuation: Int32Array;
}

/**
 * Draws one next token for each context, each from its own random source (so that a draw does not
 * depend on which other contexts share its batch).
 */
export type NextTokenSampler = (
  requests: readonly { context: Int32Array; random: RandomSource }[],
) => Promise<Int32Array>;

export interface BrierEstimate {
  /** Brier-1 … Brier-4: means over the positions of the two-sample scores, each −1, 0 or 1. */
  brier: number[];
  /** Their standard errors. */
  errors: number[];
}

const sameTokens = (a: ArrayLike<number>, b: ArrayLike<number>, n: number) =>
  Array.from({ length: n }, (_, i) => a[i] === b[i]).every(Boolean);

/**
 * Brier-n for n = 1 … orders from two rollouts per position, each drawn autoregressively from the
 * true prefix, feeding the sampled tokens back; a rollout's first n tokens are a draw of the next
 * n-gram, so one rollout serves every n. Rollout r of position p draws from the stream (seed, 2p + r).
 */
export async function estimateBrier(
  sample: NextTokenSampler,
  positions: readonly BrierPosition[],
  seed: number,
  orders = brierOrders,
): Promise<BrierEstimate> {
  const rollouts = positions.flatMap((position, p) =>
    [0, 1].map((r) => ({ position, random: keyedRandomSource(seed, 2 * p + r), drawn: [] as number[] })),
  );
  for (let step = 0; step < orders; step++) {
    const next = await sample(
      rollouts.map(({ position, random, drawn }) => ({
        context: Int32Array.from([...position.context, ...drawn]),
        random,
      })),
    );
    rollouts.forEach((rollout, i) => rollout.drawn.push(next[i]!));
  }
  const brier: number[] = [];
  const errors: number[] = [];
  for (let n = 1; n <= orders; n++) {
    const scores = positions.map((position, p) => {
      const [first, second] = [rollouts[2 * p]!.drawn, rollouts[2 * p + 1]!.drawn];
      const truth = position.continuation;
      return +sameTokens(first, truth, n) + +sameTokens(second, truth, n) - +sameTokens(first, second, n);
    });
    const mean = scores.reduce((s, v) => s + v, 0) / Math.max(1, scores.length);
    const variance = scores.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, scores.length - 1);
    brier.push(mean);
    errors.push(Math.sqrt(variance / Math.max(1, scores.length)));
  }
  return { brier, errors };
}

/**
 * The single BrierLM figure, by our reading of the CALM code 100 × the geometric mean of Brier-1 … 4
 * (methods.md: unverified); undefined when one of them is not positive, where that mean is not
 * defined.
 */
export function brierLm(brier: readonly number[]): number | undefined {
  if (brier.length === 0 || brier.some((b) => !(b > 0))) return undefined;
  return 100 * Math.exp(brier.reduce((s, b) => s + Math.log(b), 0) / brier.length);
}
