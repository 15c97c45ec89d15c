import { randomArray } from '../../math/random';
import { layerNormBackward as backwardRef, layerNorm as layerNormRef } from '../../math/reference/layernorm';
import { layerNorm, layerNormOps } from '../../tensor/ops/layernorm';
import { describeShape, sizeOf, type Shape } from '../../tensor/tensor';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';

export interface LayerNormCase {
  shape: Shape;
  /** x is uniform in [offset − 1, offset + 1]: a large offset tests the variance's cancellation. */
  offset: number;
}

export function layerNormInputs({ shape, offset }: LayerNormCase, seed: number) {
  const width = shape.at(-1)!;
  return {
    rows: sizeOf(shape) / width,
    width,
    x: Float32Array.from(randomArray(sizeOf(shape), seed, offset - 1, offset + 1)),
    gamma: Float32Array.from(randomArray(width, seed + 1, 0.5, 1.5)),
    beta: Float32Array.from(randomArray(width, seed + 2)),
  };
}

const offsetTolerance = ({ offset }: LayerNormCase, tolerance: number) => (offset ? 3e-4 : tolerance);

const describe = ({ shape, offset }: LayerNormCase) => `${describeShape(shape)}${offset ? ` x≈${offset}` : ''}`;

function forwardCheck(c: LayerNormCase): KernelCheck {
  return {
    kernel: 'layerNorm (y, mean, rstd)',
    sizes: describe(c),
    // The mean is kept in f32: at x ≈ 1000 its rounding (half an ulp, 3e-5) times rstd (≈ 1.7) and
    // gamma (≤ 1.5) reaches ~1e-4 in y. A variance of the form Σx² − d·mean² would lose most of its digits here.
    tolerance: offsetTolerance(c, 2e-6),
    async run(engine) {
      const { rows, width, x, gamma, beta } = layerNormInputs(c, sizeOf(c.shape));
      // The op's forward, called directly, also exposes the saved per-row statistics.
      const outputs = await engine.tidy(() => {
        const inputs = [
          engine.tensor(x, c.shape),
          engine.tensor(gamma, [width]),
          engine.tensor(beta, [width]),
        ] as const;
        const { out, saved } = layerNormOps.layerNorm.forward(engine, ...inputs, 1e-5);
        return Promise.all([out.read(), saved.mean.read(), saved.rstd.read()]);
      });
      const actual = outputs.flatMap((values) => [...values]);
      const reference = layerNormRef(x, gamma, beta, rows, width);
      return { actual, reference: [...reference.y, ...reference.mean, ...reference.rstd] };
    },
  };
}

function backwardCheck(c: LayerNormCase): KernelCheck {
  return {
    kernel: 'layerNorm backward (dx, dgamma, dbeta)',
    sizes: describe(c),
    tolerance: offsetTolerance(c, 1e-5),
    async run(engine) {
      const { rows, width, x, gamma, beta } = layerNormInputs(c, sizeOf(c.shape));
      const dy = Float32Array.from(randomArray(x.length, 99));
      const grads = await engine.tidy(() => {
        const inputs = [
          engine.tensor(x, c.shape),
          engine.tensor(gamma, [width]),
          engine.tensor(beta, [width]),
        ] as const;
        for (const t of inputs) t.requiresGrad = true;
        engine.backward(layerNorm(...inputs), engine.tensor(dy, c.shape));
        return Promise.all(inputs.map((t) => t.grad!.read()));
      });
      const reference = backwardRef(x, gamma, dy, rows, width);
      return {
        actual: grads.flatMap((g) => [...g]),
        reference: [...reference.dx, ...reference.dgamma, ...reference.dbeta],
      };
    },
  };
}

const layerNormCases: LayerNormCase[] = [
  ...(
    [
      [1, 1],
      [3, 17],
      [17, 33],
      [65, 257],
      [2, 3, 17],
      [300, 5],
      [2, 5000],
    ] as Shape[]
  ).map((shape) => ({ shape, offset: 0 })),
  { shape: [17, 33], offset: 1000 },
];

function gradientCheckOf(shape: Shape): KernelCheck {
  const { width, x, gamma, beta } = layerNormInputs({ shape, offset: 0 }, 17);
  return gradientCheck(
    'layerNorm',
    describeShape(shape),
    [
      { data: x, shape },
      { data: gamma, shape: [width] },
      { data: beta, shape: [width] },
    ],
    () => ({ f: ([a, g, b]) => layerNorm(a!, g!, b!) }),
    { differentiates: ['layerNorm'] },
  );
}

export const layerNormChecks: KernelCheck[] = [
  ...layerNormCases.map(forwardCheck),
  ...layerNormCases.map(backwardCheck),
  ...(
    [
      [3, 17],
      [2, 3, 5],
      [4, 1],
    ] as Shape[]
  ).map(gradientCheckOf),
];
