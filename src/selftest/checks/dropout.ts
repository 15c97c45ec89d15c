import { randomArray } from '../../math/random';
import { dropoutApply, randomWords } from '../../math/reference/dropout';
import { dropout, randomBits } from '../../tensor/ops/dropout';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';

const sizes = [1, 3, 17, 33, 65, 257];

export const dropoutChecks: KernelCheck[] = [
  ...sizes.map(
    (n): KernelCheck => ({
      kernel: 'philox-4x32-10 random bits',
      sizes: `n=${n}`,
      tolerance: 0,
      async run(engine) {
        const stream = { seed: 0x9e3779b9 + n, step: 3 * n };
        const actual = await engine.tidy(() => randomBits(engine, n, stream)).read();
        return { actual, reference: randomWords(n, stream.seed, stream.step) };
      },
    }),
  ),
  ...sizes.map(
    (n): KernelCheck => ({
      kernel: 'dropout p=0.3',
      sizes: `n=${n}`,
      tolerance: 1e-6,
      async run(engine) {
        const x = Float32Array.from(randomArray(n, 40 + n));
        const actual = await engine.tidy(() => dropout(engine.tensor(x, [n]), 0.3, 11, n)).read();
        return { actual, reference: dropoutApply(x, 0.3, 11, n) };
      },
    }),
  ),
  // A fixed seed makes dropout a linear map, which finite differences see exactly.
  gradientCheck(
    'dropout',
    '[2×33] p=0.3',
    [{ data: Float32Array.from(randomArray(2 * 33, 9)), shape: [2, 33] }],
    () => ({ f: ([x]) => dropout(x!, 0.3, 5, 6) }),
    { differentiates: ['dropout'] },
  ),
];
