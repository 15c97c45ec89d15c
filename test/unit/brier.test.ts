import { describe, expect, it } from 'vitest';
import {
  type BrierPosition,
  brierLm,
  estimateBrier,
  type NextTokenSampler,
  sampleCategorical,
  unigramBrier,
} from '../../src/math/brier';
import { keyedRandomSource } from '../../src/math/directionalSampling';
import { mulberry32 } from '../../src/math/random';
import { brierPositions } from '../../src/train/brierLm';

/**
 * A small autoregressive categorical model over V tokens whose next-token distribution depends on the
 * last two tokens of the context, so that an n-gram's probability needs the chain rule.
 */
function markovModel(vocab: number, seed: number) {
  const uniform = mulberry32(seed);
  const table = Array.from({ length: vocab * vocab }, () => {
    // Peaked rows (weights u⁴), so that the score is far from its uniform value.
    const weights = Array.from({ length: vocab }, () => uniform() ** 4);
    const total = weights.reduce((s, w) => s + w, 0);
    return weights.map((w) => w / total);
  });
  const next = (context: ArrayLike<number>) =>
    table[context[context.length - 2]! * vocab + context[context.length - 1]!]!;
  return { next };
}

/** The exact Brier-n of one position: 2P(y) − Σ over all Vⁿ sequences of P(x)², P by the chain rule. */
function exactBrier({ next }: ReturnType<typeof markovModel>, position: BrierPosition, n: number): number {
  let squares = 0;
  let truth = 0;
  const visit = (context: number[], probability: number, depth: number) => {
    if (depth === n) {
      squares += probability * probability;
      if (context.slice(-n).every((x, i) => x === position.continuation[i])) truth = probability;
      return;
    }
    next(context).forEach((p, x) => visit([...context, x], probability * p, depth + 1));
  };
  visit(Array.from(position.context), 1, 0);
  return 2 * truth - squares;
}

describe('the Brier score', () => {
  it('is 1 − Σ(P(x) − 1[x = y])², and 2·1[x = y] − 1 for a point mass', () => {
    const p = [0.1, 0.6, 0.3];
    for (let y = 0; y < 3; y++) {
      const squaredError = p.reduce((s, px, x) => s + (px - (x === y ? 1 : 0)) ** 2, 0);
      expect(unigramBrier(p)([y])).toBeCloseTo(1 - squaredError, 15);
    }
    expect(unigramBrier([0, 1, 0])([1])).toBe(1);
    expect(unigramBrier([0, 1, 0])([2])).toBe(-1);
  });

  it('of a unigram model over bigrams is the score of the product distribution', () => {
    const p = [0.1, 0.6, 0.3];
    const pairs = p.flatMap((a) => p.map((b) => a * b));
    const squares = pairs.reduce((s, q) => s + q * q, 0);
    expect(unigramBrier(p)([2, 1])).toBeCloseTo(2 * pairs[2 * 3 + 1]! - squares, 15);
  });

  it('samples categories in proportion to their weights, never a zero weight', () => {
    const random = keyedRandomSource(4, 0);
    const counts = [0, 0, 0, 0];
    const n = 40_000;
    for (let i = 0; i < n; i++) counts[sampleCategorical([2, 0, 1, 1], random)]!++;
    expect(counts[1]).toBe(0);
    for (const [x, p] of [
      [0, 0.5],
      [2, 0.25],
      [3, 0.25],
    ] as const) {
      expect(Math.abs(counts[x]! / n - p)).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / n));
    }
  });
});

describe('the two-sample estimator over rollouts', () => {
  it.each([
    [30, 2],
    [5, 4],
  ])('matches the exact chain-rule Brier score at V = %i, n ≤ %i within its standard error', async (vocab, orders) => {
    const model = markovModel(vocab, vocab);
    const uniform = mulberry32(99);
    const draw = () => Math.floor(uniform() * vocab);
    // A few distinct contexts, each repeated so that the estimate's error is small; half of the
    // continuations are the model's most likely ones, so that P(y) is not always tiny.
    const distinct = Array.from({ length: 6 }, (_, i): BrierPosition => {
      const context = Int32Array.from([draw(), draw(), draw()]);
      const continuation: number[] = [];
      for (let j = 0; j < orders; j++) {
        const p = model.next([...context, ...continuation]);
        continuation.push(i % 2 === 0 ? p.indexOf(Math.max(...p)) : draw());
      }
      return { context, continuation: Int32Array.from(continuation) };
    });
    const positions = distinct.flatMap((position) => Array.from({ length: 4000 }, () => position));
    let calls = 0;
    const sample: NextTokenSampler = async (requests) => {
      calls++;
      return Int32Array.from(requests, ({ context, random }) => sampleCategorical(model.next(context), random));
    };
    const estimate = await estimateBrier(sample, positions, 5, orders);
    expect(calls).toBe(orders);
    for (let n = 1; n <= orders; n++) {
      const exact = distinct.reduce((s, position) => s + exactBrier(model, position, n), 0) / distinct.length;
      expect(Math.abs(estimate.brier[n - 1]! - exact), `Brier-${n}`).toBeLessThan(4.5 * estimate.errors[n - 1]!);
      // The estimate is not trivially right: the errors are small against the scores' spread.
      expect(estimate.errors[n - 1]!).toBeLessThan(0.01);
    }
  });

  it('is exact for a deterministic model: 2·acc − 1 at every order, and reproducible', async () => {
    const greedy: NextTokenSampler = async (requests) =>
      Int32Array.from(requests, ({ context }) => context.at(-1)! + 1);
    const positions: BrierPosition[] = [
      { context: Int32Array.from([1, 2]), continuation: Int32Array.from([3, 4, 5, 6]) },
      { context: Int32Array.from([1, 2]), continuation: Int32Array.from([3, 4, 0, 6]) },
      { context: Int32Array.from([7]), continuation: Int32Array.from([1, 9, 10, 11]) },
    ];
    const estimate = await estimateBrier(greedy, positions, 1);
    expect(estimate.brier).toEqual([1 / 3, 1 / 3, -1 / 3, -1 / 3]);
    expect(await estimateBrier(greedy, positions, 1)).toEqual(estimate);
  });
});

describe('the BrierLM aggregate', () => {
  it('is 100 × the geometric mean, undefined unless every order is positive', () => {
    expect(brierLm([0.4, 0.1, 0.05, 0.2])).toBeCloseTo(100 * (0.4 * 0.1 * 0.05 * 0.2) ** 0.25, 12);
    expect(brierLm([0.4, 0.1, 0, 0.2])).toBeUndefined();
    expect(brierLm([0.4, -0.1, 0.1, 0.2])).toBeUndefined();
  });
});

describe('BrierLM evaluation positions', () => {
  // Windows of 8, 3 and 5 tokens from one stream: 5, 0 and 2 positions have four true tokens after them.
  const stream = Int32Array.from({ length: 17 }, (_, i) => 100 + i);
  const windows = [
    [0, 8],
    [8, 11],
    [11, 16],
  ].map(([start, end]) => ({
    source: null,
    input: stream.subarray(start!, end!),
    target: stream.subarray(start! + 1, end! + 1),
  }));
  const described = (positions: BrierPosition[]) =>
    positions.map(({ context, continuation }) => [Array.from(context), Array.from(continuation)]);

  it('spread evenly over the windows, each with its true prefix and the next four tokens', () => {
    expect(described(brierPositions(windows, 4))).toEqual([
      [[100], [101, 102, 103, 104]],
      [
        [100, 101],
        [102, 103, 104, 105],
      ],
      [
        [100, 101, 102, 103],
        [104, 105, 106, 107],
      ],
      [[111], [112, 113, 114, 115]],
    ]);
  });

  it('are every eligible position when fewer than asked', () => {
    expect(brierPositions(windows, 100)).toHaveLength(7);
    expect(described(brierPositions(windows, 100)).at(-1)).toEqual([
      [111, 112],
      [113, 114, 115, 116],
    ]);
  });
});
