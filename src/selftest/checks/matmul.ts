import { randomArray } from '../../math/random';
import { matmulReference, maxAbs } from '../../math/reference/matmul';
import { matmul } from '../../tensor/ops/matmul';
import { matmulKernels, type MatmulKernelName } from '../../tensor/ops/matmulKernels';
import type { KernelCheck } from '../types';

/** One product to check; M×K×N, with a batch on A, B or both (`shared` says which operand is 2-D). */
interface Case {
  m: number;
  k: number;
  n: number;
  batch?: number;
  shared?: 'A' | 'B';
}

export const matmulCases: Case[] = [
  { m: 1, k: 1, n: 1 },
  { m: 3, k: 17, n: 5 },
  { m: 17, k: 33, n: 65 },
  { m: 65, k: 257, n: 3 },
  // Crosses the 128-wide block of register32 and the 64-wide tile in both dimensions.
  { m: 257, k: 5, n: 130 },
  { m: 17, k: 9, n: 33, batch: 3 },
  { m: 17, k: 9, n: 33, batch: 3, shared: 'B' },
  { m: 17, k: 9, n: 33, batch: 3, shared: 'A' },
];

export const transpositions = [
  { transposeA: false, transposeB: false, name: 'A·B' },
  { transposeA: false, transposeB: true, name: 'A·Bᵀ' },
  { transposeA: true, transposeB: false, name: 'Aᵀ·B' },
  { transposeA: true, transposeB: true, name: 'Aᵀ·Bᵀ' },
] as const;

/** Stored shapes of A and B for a case: transposed operands are stored [K, M] and [N, K]. */
export function operandShapes({ m, k, n, batch, shared }: Case, transposeA: boolean, transposeB: boolean): [number[], number[]] {
  const a = transposeA ? [k, m] : [m, k];
  const b = transposeB ? [n, k] : [k, n];
  if (batch === undefined) return [a, b];
  return [shared === 'A' ? a : [batch, ...a], shared === 'B' ? b : [batch, ...b]];
}

export function describeCase(c: Case): string {
  const batch = c.batch === undefined ? '' : c.shared ? ` batch=${c.batch} (shared ${c.shared})` : ` batch=${c.batch}`;
  return `M=${c.m} K=${c.k} N=${c.n}${batch}`;
}

/**
 * f32 accumulation of K products: the rounding error of one output grows like √K·u·Σ|aᵢbᵢ| for
 * random data (u ≈ 6e-8) and at worst like K·u·Σ|aᵢbᵢ|. Errors are therefore measured against
 * K·max|A|·max|B| (the floor; no output exceeds it), and 1e-5 of that leaves a wide margin at
 * K ≤ 257 while an indexing mistake gives errors of order 1/√K, far above it.
 */
const tolerance = 1e-5;

function check(kernel: MatmulKernelName, c: Case, t: (typeof transpositions)[number], seed: number): KernelCheck {
  const [aShape, bShape] = operandShapes(c, t.transposeA, t.transposeB);
  const a = Float32Array.from(randomArray(aShape.reduce((x, y) => x * y, 1), seed));
  const b = Float32Array.from(randomArray(bShape.reduce((x, y) => x * y, 1), seed + 1));
  return {
    kernel: `matmul ${kernel} ${t.name}`,
    sizes: describeCase(c),
    tolerance,
    floor: c.k * maxAbs(a) * maxAbs(b) || 1,
    async run(engine) {
      const options = { transposeA: t.transposeA, transposeB: t.transposeB, kernel };
      const actual = await engine.tidy(() => matmul(engine.tensor(a, aShape), engine.tensor(b, bShape), options)).read();
      const reference = matmulReference({ data: a, shape: aShape, transposed: t.transposeA }, { data: b, shape: bShape, transposed: t.transposeB });
      return { actual, reference: reference.data };
    },
  };
}

export const matmulChecks: KernelCheck[] = (Object.keys(matmulKernels) as MatmulKernelName[]).flatMap((kernel) =>
  matmulCases.flatMap((c, i) => transpositions.map((t, j) => check(kernel, c, t, 100 + 10 * i + 2 * j))),
);
