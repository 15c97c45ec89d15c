import { randomArray } from '../../math/random';
import { attentionReference, type ProjectionValues } from '../../math/reference/attention';
import {
  CrossAttention,
  SelfAttention,
  crossAttentionLayer,
  selfAttentionLayer,
  type AttentionOptions,
} from '../../nn/attention';
import type { Engine } from '../../tensor/engine';
import type { Tensor } from '../../tensor/tensor';
import { gradientCheck, type GradInput } from '../gradcheck';
import type { KernelCheck } from '../types';

/**
 * Self-attention (x over itself, Q|K|V one projection; T_q = T_k) or cross-attention (query over
 * keyValue, Q one projection and K|V another).
 */
export interface AttentionCase {
  kind: 'self' | 'cross';
  batch: number;
  queryLength: number;
  keyLength: number;
  d: number;
  heads: number;
  causal?: boolean;
  keyLengths?: number[];
}

function describeAttention({
  kind,
  batch,
  queryLength,
  keyLength,
  d,
  heads,
  causal,
  keyLengths,
}: AttentionCase): string {
  const lengths = kind === 'self' ? `T=${queryLength}` : `Tq=${queryLength} Tk=${keyLength}`;
  return `${kind} B=${batch} ${lengths} d=${d} heads=${heads}${causal ? ' causal' : ''}${keyLengths ? ` keyLengths=[${keyLengths.join(',')}]` : ''}`;
}

/** Output rows of each projection's weight: Q|K|V and out (self), or Q, K|V and out (cross). */
const projectionRows = (c: AttentionCase) => (c.kind === 'self' ? [3, 1] : [1, 2, 1]).map((parts) => parts * c.d);

/**
 * The sequences (x; or query and keyValue), then W and b of each projection. Weights of half-width
 * 0.8 give scores of order 1, so the softmax is neither flat nor one-hot; biases are non-zero.
 */
function attentionInputs(c: AttentionCase, seed: number): GradInput[] {
  const { batch, queryLength, keyLength, d } = c;
  const values = (count: number, s: number, half: number) =>
    Float32Array.from(randomArray(count, seed + s, -half, half));
  const sequences = [{ data: values(batch * queryLength * d, 0, 1), shape: [batch, queryLength, d] }];
  if (c.kind === 'cross') sequences.push({ data: values(batch * keyLength * d, 1, 1), shape: [batch, keyLength, d] });
  return [
    ...sequences,
    ...projectionRows(c).flatMap((rows, i) => [
      { data: values(rows * d, 2 + 2 * i, 0.8), shape: [rows, d] },
      { data: values(rows, 3 + 2 * i, 0.5), shape: [rows] },
    ]),
  ];
}

function optionsOf(engine: Engine, c: AttentionCase): AttentionOptions {
  const keyLengths = c.keyLengths ? engine.tensor(c.keyLengths, [c.keyLengths.length], 'i32', 'keyLengths') : undefined;
  return { causal: c.causal ?? false, ...(keyLengths ? { keyLengths } : {}) };
}

/** The layer over tensors laid out as `attentionInputs`. */
function attend(c: AttentionCase, tensors: Tensor[]): Tensor {
  const sequences = c.kind === 'self' ? 1 : 2;
  const weights = tensors.slice(sequences);
  const projection = (i: number) => ({ weight: weights[2 * i]!, bias: weights[2 * i + 1]! });
  const options = optionsOf(tensors[0]!.engine, c);
  return c.kind === 'self'
    ? selfAttentionLayer(tensors[0]!, { qkv: projection(0), out: projection(1) }, c.heads, options)
    : crossAttentionLayer(
        tensors[0]!,
        tensors[1]!,
        { q: projection(0), kv: projection(1), out: projection(2) },
        c.heads,
        options,
      );
}

/** Splits each fused projection (W and b as `attentionInputs` lays them out) into its d-row blocks. */
function splitProjections(c: AttentionCase, weightsAndBiases: ArrayLike<number>[]): ProjectionValues[] {
  const { d } = c;
  return projectionRows(c).flatMap((rows, i) =>
    Array.from({ length: rows / d }, (_, part) => ({
      weight: Array.prototype.slice.call(weightsAndBiases[2 * i]!, part * d * d, (part + 1) * d * d) as number[],
      bias: Array.prototype.slice.call(weightsAndBiases[2 * i + 1]!, part * d, (part + 1) * d) as number[],
    })),
  );
}

function reference(c: AttentionCase, data: ArrayLike<number>[]): Float64Array {
  const sequences = c.kind === 'self' ? 1 : 2;
  const [q, k, v, out] = splitProjections(c, data.slice(sequences)) as [
    ProjectionValues,
    ProjectionValues,
    ProjectionValues,
    ProjectionValues,
  ];
  return attentionReference({ ...c, query: data[0]!, keyValue: data[sequences - 1]!, q, k, v, out });
}

function forwardCheck(c: AttentionCase): KernelCheck {
  return {
    kernel: `${c.kind}-attention`,
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
      return {
        actual,
        reference: reference(
          c,
          inputs.map((x) => x.data),
        ),
      };
    },
  };
}

/** The module end to end with its own Xavier-initialised parameters. */
function moduleCheck(c: AttentionCase): KernelCheck {
  return {
    kernel: c.kind === 'self' ? 'SelfAttention.forward' : 'CrossAttention.forward',
    sizes: describeAttention(c),
    tolerance: 1e-5,
    async run(engine) {
      const inputs = attentionInputs(c, 17);
      const sizes = { dModel: c.d, heads: c.heads, initSeed: 5 };
      const attention =
        c.kind === 'self'
          ? new SelfAttention(engine, 'selftest.attention', sizes)
          : new CrossAttention(engine, 'selftest.attention', sizes);
      try {
        const actual = await engine
          .tidy(() => {
            const [x, memory] = inputs.slice(0, c.kind === 'self' ? 1 : 2).map((i) => engine.tensor(i.data, i.shape));
            return attention instanceof SelfAttention
              ? attention.forward(x!, optionsOf(engine, c))
              : attention.forward(x!, memory!, optionsOf(engine, c));
          })
          .read();
        const parameters = await Promise.all(attention.parameters().map((p) => p.read()));
        return {
          actual,
          reference: reference(c, [...inputs.slice(0, c.kind === 'self' ? 1 : 2).map((i) => i.data), ...parameters]),
        };
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
    `${c.kind}-attention w.r.t. ${what}`,
    describeAttention(c),
    inputs,
    () => ({ f: (tensors) => attend(c, tensors) }),
    { tolerance: 5e-3, differentiates: [c.kind === 'self' ? 'selfAttention' : 'crossAttention'] },
  );
}

const attentionCases: AttentionCase[] = [
  { kind: 'self', batch: 1, queryLength: 1, keyLength: 1, d: 3, heads: 1 },
  { kind: 'cross', batch: 2, queryLength: 3, keyLength: 5, d: 8, heads: 2 },
  { kind: 'cross', batch: 2, queryLength: 3, keyLength: 5, d: 8, heads: 2, keyLengths: [5, 2] },
  { kind: 'self', batch: 2, queryLength: 4, keyLength: 4, d: 8, heads: 2, causal: true, keyLengths: [3, 4] },
  // Batch entry 0 has no key at all: its output is the output projection's bias.
  { kind: 'cross', batch: 3, queryLength: 5, keyLength: 3, d: 6, heads: 3, keyLengths: [0, 3, 1] },
  // d_h = 2: the products read the heads element by element.
  { kind: 'self', batch: 2, queryLength: 5, keyLength: 5, d: 6, heads: 3, keyLengths: [5, 2] },
];

const [, plain, padded, causal, , narrow] = attentionCases as AttentionCase[] as [
  AttentionCase,
  AttentionCase,
  AttentionCase,
  AttentionCase,
  AttentionCase,
  AttentionCase,
];

export const attentionChecks: KernelCheck[] = [
  ...attentionCases.map(forwardCheck),
  moduleCheck(padded),
  moduleCheck(causal),
  gradient(padded, 'query', [0]),
  gradient(padded, 'keyValue', [1]),
  gradient(causal, 'x', [0]),
  gradient(narrow, 'x', [0]),
  gradient(plain, 'every weight and bias', [2, 3, 4, 5, 6, 7]),
  gradient(causal, 'W_qkv and b_qkv', [1, 2]),
];
