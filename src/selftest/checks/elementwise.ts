import { randomArray } from '../../math/random';
import { binary as binaryRef, unary as unaryRef } from '../../math/reference/elementwise';
import { add, div, mul, sub, unary, type UnaryName } from '../../tensor/ops/elementwise';
import type { KernelCheck } from '../types';

const unaryNames: Exclude<UnaryName, 'scale'>[] = ['exp', 'log', 'tanh', 'sigmoid', 'relu', 'gelu', 'square', 'sqrt', 'neg'];
const binaryOps = { add, sub, mul, div };

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
  ...(['add', 'sub', 'mul', 'div'] as const).map(
    (name): KernelCheck => ({
      kernel: `binary ${name} (broadcast)`,
      sizes: '[3×17×33] ∘ [17×1]',
      tolerance: 1e-6,
      async run(engine) {
        const a = Float32Array.from(randomArray(3 * 17 * 33, 12));
        const b = Float32Array.from(randomArray(17, 13, 0.5, 2));
        const actual = await engine.tidy(() => binaryOps[name](engine.tensor(a, [3, 17, 33]), engine.tensor(b, [17, 1]))).read();
        const reference = Array.from(a, (v, i) => binaryRef(name, v, b[Math.floor(i / 33) % 17]!));
        return { actual, reference };
      },
    }),
  ),
];
