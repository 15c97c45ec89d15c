import { randomArray } from '../../math/random';
import { binary as binaryRef, unary as unaryRef } from '../../math/reference/elementwise';
import { add, div, mul, scale, sub, unary, type UnaryName } from '../../tensor/ops/elementwise';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';

const unaryNames: Exclude<UnaryName, 'scale'>[] = [
  'exp',
  'log',
  'tanh',
  'sigmoid',
  'relu',
  'gelu',
  'square',
  'sqrt',
  'neg',
];
const binaryOps = { add, sub, mul, div };
const gradientX = Float32Array.from(randomArray(2 * 3 * 5, 21, 0.3, 2));
const gradientY = Float32Array.from(randomArray(3 * 1, 22, 0.5, 2));

export const elementwiseChecks: KernelCheck[] = [
  ...unaryNames.map(
    (name): KernelCheck => ({
      kernel: `unary ${name}`,
      sizes: 'n=1000',
      tolerance: 1e-5,
      async run(engine) {
        const x = Float32Array.from(randomArray(1000, 11, 0.05, 4));
        const actual = await engine.tidy(() => unary(name, engine.tensor(x, [1000]))).read();
        return { actual, reference: Array.from(x, (v) => unaryRef(name, v)) };
      },
    }),
  ),
  // A per-row operand (stride 0 along the last dim), and a bias over rows past one run of 16 (stride 0 across rows).
  ...(['add', 'sub', 'mul', 'div'] as const).flatMap((name): KernelCheck[] =>
    [
      { a: [3, 17, 33], b: [17, 1], bAt: (i: number) => Math.floor(i / 33) % 17 },
      { a: [5, 37], b: [37], bAt: (i: number) => i % 37 },
    ].map(({ a: aShape, b: bShape, bAt }) => ({
      kernel: `binary ${name} (broadcast)`,
      sizes: `[${aShape.join('×')}] ∘ [${bShape.join('×')}]`,
      tolerance: 1e-6,
      async run(engine) {
        const a = Float32Array.from(
          randomArray(
            aShape.reduce((x, y) => x * y),
            12,
          ),
        );
        const b = Float32Array.from(
          randomArray(
            bShape.reduce((x, y) => x * y),
            13,
            0.5,
            2,
          ),
        );
        const actual = await engine
          .tidy(() => binaryOps[name](engine.tensor(a, aShape), engine.tensor(b, bShape)))
          .read();
        const reference = Array.from(a, (v, i) => binaryRef(name, v, b[bAt(i)]!));
        return { actual, reference };
      },
    })),
  ),
  // Gradients by finite differences, where every op is smooth (log and sqrt need x > 0, relu its kink away).
  ...unaryNames.map((name) =>
    gradientCheck(
      `unary ${name}`,
      '[2×3×5]',
      [{ data: gradientX, shape: [2, 3, 5] }],
      () => ({
        f: ([x]) => unary(name, x!),
      }),
      { differentiates: [name] },
    ),
  ),
  gradientCheck(
    'unary scale',
    '[2×3×5] α=−1.5',
    [{ data: gradientX, shape: [2, 3, 5] }],
    () => ({
      f: ([x]) => scale(x!, -1.5),
    }),
    { differentiates: ['scale'] },
  ),
  ...(['add', 'sub', 'mul', 'div'] as const).map((name) =>
    gradientCheck(
      `binary ${name} (broadcast)`,
      '[2×3×5] ∘ [3×1]',
      [
        { data: gradientX, shape: [2, 3, 5] },
        { data: gradientY, shape: [3, 1] },
      ],
      () => ({ f: ([a, b]) => binaryOps[name](a!, b!) }),
      { differentiates: [name] },
    ),
  ),
];
