import { randomArray } from '../../math/random';
import {
  softmaxRowsBackward as backwardRef,
  softmaxRows as softmaxRef,
  type SoftmaxMask,
} from '../../math/reference/softmax';
import { softmaxRows } from '../../tensor/ops/softmax';
import type { Engine } from '../../tensor/engine';
import { sizeOf, type Tensor } from '../../tensor/tensor';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';

export interface SoftmaxCase {
  /** [..., T_q, T_k], rank ≥ 2. */
  shape: number[];
  causal: boolean;
  /** One length per batch entry (B must divide the row count). */
  keyLengths?: number[];
  /** Logits are uniform in [−spread, spread]. */
  spread: number;
}

function softmaxGeometry({ shape, causal, keyLengths }: SoftmaxCase): {
  rows: number;
  width: number;
  mask: SoftmaxMask;
} {
  const width = shape.at(-1)!;
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return { rows, width, mask: { blockRows: shape.at(-2)!, causal, ...(keyLengths ? { keyLengths } : {}) } };
}

function softmaxLogits(c: SoftmaxCase, seed: number): Float32Array {
  const { rows, width } = softmaxGeometry(c);
  return Float32Array.from(randomArray(rows * width, seed, -c.spread, c.spread));
}

/** softmaxRows of `x` with the case's masks, the key lengths uploaded as an i32 tensor. */
function softmaxOfCase(engine: Engine, c: SoftmaxCase, x: Tensor): Tensor {
  const keyLengths = c.keyLengths ? engine.tensor(c.keyLengths, [c.keyLengths.length], 'i32', 'keyLengths') : undefined;
  return softmaxRows(x, { causal: c.causal, ...(keyLengths ? { keyLengths } : {}) });
}

function describe({ shape, causal, keyLengths, spread }: SoftmaxCase): string {
  return `${shape.join('×')} logits ±${spread}${causal ? ' causal' : ''}${keyLengths ? ` keyLengths=[${keyLengths.join(',')}]` : ''}`;
}

function forwardCheck(c: SoftmaxCase): KernelCheck {
  return {
    kernel: 'softmaxRows',
    sizes: describe(c),
    tolerance: 1e-5,
    async run(engine) {
      const { rows, width, mask } = softmaxGeometry(c);
      const x = softmaxLogits(c, rows + width);
      const y = await engine.tidy(() => softmaxOfCase(engine, c, engine.tensor(x, c.shape))).read();
      return { actual: y, reference: softmaxRef(x, rows, width, mask) };
    },
  };
}

function backwardCheck(c: SoftmaxCase): KernelCheck {
  return {
    kernel: 'softmaxRows backward',
    sizes: describe(c),
    tolerance: 1e-5,
    async run(engine) {
      const { rows, width, mask } = softmaxGeometry(c);
      const x = softmaxLogits(c, rows + width);
      const dy = Float32Array.from(randomArray(rows * width, rows * 3 + 1));
      const dx = await engine
        .tidy(() => {
          const input = engine.tensor(x, c.shape);
          input.requiresGrad = true;
          const y = softmaxOfCase(engine, c, input);
          engine.backward(y, engine.tensor(dy, c.shape));
          return input.grad!;
        })
        .read();
      return { actual: dx, reference: backwardRef(x, dy, rows, width, mask) };
    },
  };
}

const softmaxCases: SoftmaxCase[] = [
  { shape: [1, 1], causal: false, spread: 5 },
  { shape: [3, 17], causal: false, spread: 5 },
  { shape: [17, 33], causal: true, spread: 5 },
  // Batch 1 has no valid key at all: its 20 rows must be exactly zero, not NaN.
  { shape: [2, 4, 5, 7], causal: false, keyLengths: [4, 0], spread: 5 },
  // Both masks, a length past T_k and a negative one.
  { shape: [4, 5, 7], causal: true, keyLengths: [3, 0, 9, -2], spread: 5 },
  { shape: [65, 257], causal: false, spread: 5 },
  // exp(±80) overflows/underflows a naive f32 softmax.
  { shape: [17, 33], causal: false, spread: 80 },
  { shape: [65, 257], causal: true, spread: 80 },
];

/** Plain, causal, padded (with an empty row) and both. */
const gradientCases: SoftmaxCase[] = [
  { shape: [3, 17], causal: false, spread: 3 },
  { shape: [2, 5, 6], causal: true, spread: 3 },
  { shape: [2, 3, 4, 5], causal: false, keyLengths: [3, 0], spread: 3 },
  { shape: [3, 4, 6], causal: true, keyLengths: [2, 6, 0], spread: 3 },
];

function gradientCheckOf(c: SoftmaxCase): KernelCheck {
  const x = Float32Array.from(randomArray(sizeOf(c.shape), 11, -c.spread, c.spread));
  const sizes = `[${c.shape.join('×')}]${c.causal ? ' causal' : ''}${c.keyLengths ? ` keys ${c.keyLengths.join(',')}` : ''}`;
  return gradientCheck(
    'softmaxRows',
    sizes,
    [{ data: x, shape: c.shape }],
    (engine) => ({
      f: ([input]) => softmaxOfCase(engine, c, input!),
    }),
    { differentiates: ['softmaxRows'] },
  );
}

export const softmaxChecks: KernelCheck[] = [
  ...softmaxCases.map(forwardCheck),
  ...softmaxCases.map(backwardCheck),
  ...gradientCases.map(gradientCheckOf),
];
