import { mulberry32, randomArray } from '../../math/random';
import {
  softmaxCrossEntropyBackward as backwardRef,
  softmaxCrossEntropy as xentRef,
} from '../../math/reference/softmaxXent';
import { softmaxCrossEntropy } from '../../tensor/ops/softmaxXent';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';

export interface XentCase {
  rows: number;
  width: number;
  /** Logits are uniform in [center − spread, center + spread]. */
  center: number;
  spread: number;
  ignoreIndex: number;
}

/** Targets uniform in [0, V), with every third row (from row 1) set to `ignoreIndex`. */
function xentTargets({ rows, width, ignoreIndex }: XentCase, seed: number): Int32Array {
  const random = mulberry32(seed);
  return Int32Array.from({ length: rows }, (_, r) => (r % 3 === 1 ? ignoreIndex : Math.floor(random() * width)));
}

function xentLogits({ rows, width, center, spread }: XentCase, seed: number): Float32Array {
  return Float32Array.from(randomArray(rows * width, seed, center - spread, center + spread));
}

function describe({ rows, width, center, spread, ignoreIndex }: XentCase): string {
  return `N=${rows} V=${width} logits ${center}±${spread}${ignoreIndex === -1 ? '' : ` ignoreIndex=${ignoreIndex}`}`;
}

function forwardCheck(c: XentCase): KernelCheck {
  return {
    kernel: 'softmaxCrossEntropy',
    sizes: describe(c),
    tolerance: 1e-5,
    async run(engine) {
      const logits = xentLogits(c, c.rows + c.width);
      const targets = xentTargets(c, c.width);
      const loss = await engine
        .tidy(() =>
          softmaxCrossEntropy(engine.tensor(logits, [c.rows, c.width]), engine.tensor(targets, [c.rows], 'i32'), c),
        )
        .read();
      return { actual: loss, reference: xentRef(logits, targets, c.rows, c.width, c.ignoreIndex).loss };
    },
  };
}

function backwardCheck(c: XentCase): KernelCheck {
  return {
    kernel: 'softmaxCrossEntropy backward',
    sizes: describe(c),
    // The backward rebuilds probabilities from lse stored in f32; at |logits| ≈ 1e4 its rounding
    // (half an ulp, ~5e-4) becomes a relative error of the probabilities of the same size.
    tolerance: Math.abs(c.center) + c.spread > 100 ? 1e-3 : 1e-5,
    async run(engine) {
      const logits = xentLogits(c, c.rows + c.width);
      const targets = xentTargets(c, c.width);
      const gradLoss = Float32Array.from(randomArray(c.rows, c.rows));
      const dlogits = await engine
        .tidy(() => {
          const x = engine.tensor(logits, [c.rows, c.width]);
          x.requiresGrad = true;
          const loss = softmaxCrossEntropy(x, engine.tensor(targets, [c.rows], 'i32'), c);
          engine.backward(loss, engine.tensor(gradLoss, [c.rows]));
          return x.grad!;
        })
        .read();
      return { actual: dlogits, reference: backwardRef(logits, targets, gradLoss, c.rows, c.width, c.ignoreIndex) };
    },
  };
}

const sizes: [number, number][] = [
  [1, 1],
  [3, 17],
  [17, 33],
  [65, 257],
  [2, 70000],
];

const xentCases: XentCase[] = [
  ...sizes.map(([rows, width]) => ({ rows, width, center: 0, spread: 5, ignoreIndex: -1 })),
  // Extreme logits: naive exp overflows at +1e4 and underflows to a zero sum at −1e4.
  { rows: 17, width: 33, center: 1e4, spread: 5, ignoreIndex: -1 },
  { rows: 17, width: 33, center: -1e4, spread: 5, ignoreIndex: -1 },
  { rows: 2, width: 70000, center: 0, spread: 1e4, ignoreIndex: -1 },
  { rows: 17, width: 33, center: 0, spread: 5, ignoreIndex: 0 },
];

function gradientCheckOf([rows, width, ignoreIndex]: [number, number, number]): KernelCheck {
  const targets = xentTargets({ rows, width, center: 0, spread: 3, ignoreIndex }, 9);
  const logits = Float32Array.from(randomArray(rows * width, 10, -3, 3));
  return gradientCheck(
    'softmaxCrossEntropy',
    `N=${rows} V=${width} ignoreIndex=${ignoreIndex}`,
    [{ data: logits, shape: [rows, width] }],
    (engine) => ({ f: ([x]) => softmaxCrossEntropy(x!, engine.tensor(targets, [rows], 'i32'), { ignoreIndex }) }),
    { differentiates: ['softmaxCrossEntropy'] },
  );
}

export const softmaxXentChecks: KernelCheck[] = [
  ...xentCases.map(forwardCheck),
  ...xentCases.map(backwardCheck),
  ...(
    [
      [3, 17, -1],
      [5, 33, 2],
      [4, 1, -1],
    ] as [number, number, number][]
  ).map(gradientCheckOf),
];
