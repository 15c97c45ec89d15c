import { randomArray } from '../../math/random';
import { attentionReference, type ProjectionValues } from '../../math/reference/attention';
import { MultiHeadAttention, multiHeadAttention, type AttentionOptions } from '../../nn/attention';
import type { Engine } from '../../tensor/engine';
import type { Tensor } from '../../tensor/tensor';
import { gradientCheck, type GradInput } from '../gradcheck';
import type { KernelCheck } from '../types';

export interface AttentionCase {
  batch: number;
  queryLength: number;
  keyLength: number;
  d: number;
  heads: number;
  causal?: boolean;
  keyLengths?: number[];
}

const projectionNames = ['q', 'k', 'v', 'out'] as const;

function describeAttention({ batch, queryLength, keyLength, d, heads, causal, keyLengths }: AttentionCase): string {
  return `B=${batch} Tq=${queryLength} Tk=${keyLength} d=${d} heads=${heads}${causal ? ' causal' : ''}${keyLengths ? ` keyLengths=[${keyLengths.join(',')}]` : ''}`;
}

/**
 * query, keyValue, then W and b of the q, k, v and out projections. Weights of half-width 0.8
 * give scores of order 1, so the softmax is neither flat nor one-hot; biases are non-zero.
 */
function attentionInputs(c: AttentionCase, seed: number): GradInput[] {
  const { batch, queryLength, keyLength, d } = c;
  const values = (count: number, s: number, half: number) =>
    Float32Array.from(randomArray(count, seed + s, -half, half));
  return [
    { data: values(batch * queryLength * d, 0, 1), shape: [batch, queryLength, d] },
    { data: values(batch * keyLength * d, 1, 1), shape: [batch, keyLength, d] },
    ...projectionNames.flatMap((_, i) => [
      { data: values(d * d, 2 + 2 * i, 0.8), shape: [d, d] },
      { data: values(d, 3 + 2 * i, 0.5), shape: [d] },
    ]),
  ];
}

function optionsOf(engine: Engine, c: AttentionCase): AttentionOptions {
  const keyLengths = c.keyLengths ? engine.tensor(c.keyLengths, [c.keyLengths.length], 'i32', 'keyLengths') : undefined;
  return { causal: c.causal ?? false, ...(keyLengths ? { keyLengths } : {}) };
}

/** multiHeadAttention over tensors laid out as `attentionInputs`. */
function attend(c: AttentionCase, [query, keyValue, ...weights]: Tensor[]): Tensor {
  const projection = (i: number) => ({ weight: weights[2 * i]!, bias: weights[2 * i + 1]! });
  return multiHeadAttention(
    query!,
    keyValue!,
    { q: projection(0), k: projection(1), v: projection(2), out: projection(3) },
    c.heads,
    optionsOf(query!.engine, c),
  );
}

function reference(
  c: AttentionCase,
  query: ArrayLike<number>,
  keyValue: ArrayLike<number>,
  projections: ProjectionValues[],
): Float64Array {
  const [q, k, v, out] = projections as [ProjectionValues, ProjectionValues, ProjectionValues, ProjectionValues];
  return attentionReference({ ...c, query, keyValue, q, k, v, out });
}

function forwardCheck(c: AttentionCase): KernelCheck {
  return {
    kernel: 'multiHeadAttention',
    sizes: describeAttention(c),
    tolerance: 1e-5,
    async run(engine) {
      const inputs = attentionInputs(c, c.batch * 100 + c.d);
      const actual = await engine
        .tidy(() =>
          attend(
            c,
            inputs.map((x) => engine.tensor(x.data, x.shape)),
          ),
        )
        .read();
      const projections = projectionNames.map((_, i) => ({
        weight: inputs[2 + 2 * i]!.data,
        bias: inputs[3 + 2 * i]!.data,
      }));
      return { actual, reference: reference(c, inputs[0]!.data, inputs[1]!.data, projections) };
    },
  };
}

/** The module end to end with its own Xavier-initialised parameters. */
function moduleCheck(c: AttentionCase): KernelCheck {
  return {
    kernel: 'MultiHeadAttention.forward',
    sizes: describeAttention(c),
    tolerance: 1e-5,
    async run(engine) {
      const [query, keyValue] = attentionInputs(c, 17);
      const attention = new MultiHeadAttention(engine, 'selftest.attention', {
        dModel: c.d,
        heads: c.heads,
        initSeed: 5,
      });
      try {
        const actual = await engine
          .tidy(() =>
            attention.forward(
              engine.tensor(query!.data, query!.shape),
              engine.tensor(keyValue!.data, keyValue!.shape),
              optionsOf(engine, c),
            ),
          )
          .read();
        const projections = await Promise.all(
          projectionNames.map(async (name) => ({
            weight: await attention[name].weight.read(),
            bias: await attention[name].bias!.read(),
          })),
        );
        return { actual, reference: reference(c, query!.data, keyValue!.data, projections) };
      } finally {
        for (const p of attention.parameters()) p.release();
      }
    },
  };
}

/** Finite differences with respect to the inputs at `vary` (indices into `attentionInputs`). */
function gradient(c: AttentionCase, what: string, vary: number[]): KernelCheck {
  const inputs = attentionInputs(c, 3).map((x, i) => ({ ...x, constant: !vary.includes(i) }));
  return gradientCheck(
    `multiHeadAttention w.r.t. ${what}`,
    describeAttention(c),
    inputs,
    () => ({ f: (tensors) => attend(c, tensors) }),
    // The per-head products read and write heads in place (headAttention.ts): these checks are theirs.
    { tolerance: 5e-3, differentiates: vary.includes(0) || vary.includes(1) ? ['headScores', 'headContext'] : [] },
  );
}

const attentionCases: AttentionCase[] = [
  { batch: 1, queryLength: 1, keyLength: 1, d: 3, heads: 1 },
  { batch: 2, queryLength: 3, keyLength: 5, d: 8, heads: 2 },
  { batch: 2, queryLength: 3, keyLength: 5, d: 8, heads: 2, keyLengths: [5, 2] },
  { batch: 2, queryLength: 4, keyLength: 4, d: 8, heads: 2, causal: true, keyLengths: [3, 4] },
  // Batch entry 0 has no key at all: its output is the output projection's bias.
  { batch: 3, queryLength: 5, keyLength: 3, d: 6, heads: 3, keyLengths: [0, 3, 1] },
];

const [, plain, padded, causal] = attentionCases as [AttentionCase, AttentionCase, AttentionCase, AttentionCase];

export const attentionChecks: KernelCheck[] = [
  ...attentionCases.map(forwardCheck),
  moduleCheck(padded),
  moduleCheck(causal),
  gradient(padded, 'query', [0]),
  gradient(causal, 'keyValue', [1]),
  gradient(plain, 'every weight and bias', [2, 3, 4, 5, 6, 7, 8, 9]),
  gradient(causal, 'W_q', [2]),
];
