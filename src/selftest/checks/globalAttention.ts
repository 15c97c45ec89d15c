import { randomArray } from '../../math/random';
import { globalAttentionReference } from '../../math/reference/globalAttention';
import { globalAttention } from '../../nn/globalAttention';
import type { Engine } from '../../tensor/engine';
import type { Tensor } from '../../tensor/tensor';
import { gradientCheck, type GradInput } from '../gradcheck';
import type { KernelCheck } from '../types';

export interface GlobalAttentionCase {
  batch: number;
  sourceLength: number;
  d: number;
  keyLengths?: number[];
}

function describe({ batch, sourceLength, d, keyLengths }: GlobalAttentionCase): string {
  return `B=${batch} S=${sourceLength} d=${d}${keyLengths ? ` keyLengths=[${keyLengths.join(',')}]` : ''}`;
}

/**
 * query, memory, W_in, W_out. Entries in ±1 and weights of half-width 1/√d keep the scores of order 1 and tanh off its
 * flat ends.
 */
function inputs({ batch, sourceLength, d }: GlobalAttentionCase, seed: number): GradInput[] {
  const values = (count: number, s: number, half: number) =>
    Float32Array.from(randomArray(count, seed + s, -half, half));
  return [
    { data: values(batch * d, 0, 1), shape: [batch, d] },
    { data: values(batch * sourceLength * d, 1, 1), shape: [batch, sourceLength, d] },
    { data: values(d * d, 2, 2 / Math.sqrt(d)), shape: [d, d] },
    { data: values(2 * d * d, 3, 1 / Math.sqrt(d)), shape: [d, 2 * d] },
  ];
}

function attend(engine: Engine, c: GlobalAttentionCase, [query, memory, input, output]: Tensor[]) {
  const keyLengths = c.keyLengths ? engine.tensor(c.keyLengths, [c.batch], 'i32', 'keyLengths') : undefined;
  return globalAttention(query!, memory!, { input: input!, output: output! }, keyLengths);
}

/** The attentional states and the distributions, one after the other. */
function forwardCheck(c: GlobalAttentionCase): KernelCheck {
  return {
    kernel: 'globalAttention (output, probabilities)',
    sizes: describe(c),
    tolerance: 1e-5,
    async run(engine) {
      const values = inputs(c, c.batch * 10 + c.d);
      const [output, probabilities] = await engine.tidy(() => {
        const result = attend(
          engine,
          c,
          values.map((x) => engine.tensor(x.data, x.shape)),
        );
        const reads = Promise.all([engine.readLater(result.output), engine.readLater(result.probabilities)]);
        engine.flush();
        return reads;
      });
      const [query, memory, input, out] = values.map((x) => x.data) as [
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      const reference = globalAttentionReference({ ...c, query, memory, input, output: out });
      return { actual: [...output, ...probabilities], reference: [...reference.output, ...reference.probabilities] };
    },
  };
}

/** Finite differences of the attentional state with respect to the inputs at `vary`. */
function gradient(c: GlobalAttentionCase, what: string, vary: number[]): KernelCheck {
  const values = inputs(c, 5).map((x, i) => ({ ...x, constant: !vary.includes(i) }));
  return gradientCheck(
    `globalAttention w.r.t. ${what}`,
    describe(c),
    values,
    (engine) => ({ f: (tensors) => attend(engine, c, tensors).output }),
    { tolerance: 5e-3 },
  );
}

const globalAttentionCases: GlobalAttentionCase[] = [
  { batch: 1, sourceLength: 1, d: 1 },
  { batch: 3, sourceLength: 5, d: 7, keyLengths: [5, 1, 3] },
  { batch: 2, sourceLength: 17, d: 33, keyLengths: [17, 9] },
];

const [, padded] = globalAttentionCases as [GlobalAttentionCase, GlobalAttentionCase];

export const globalAttentionChecks: KernelCheck[] = [
  ...globalAttentionCases.map(forwardCheck),
  gradient(padded, 'the query', [0]),
  gradient(padded, 'the encoder states', [1]),
  gradient(padded, 'W_in and W_out', [2, 3]),
];
