import { randomArray } from '../../math/random';
import { matmulReference, maxAbs } from '../../math/reference/matmul';
import {
  dispatchMatmul,
  kernelAccepts,
  matmulGeometry,
  matmulKernels,
  type MatmulKernelName,
} from '../../tensor/ops/matmulKernels';
import { matmul } from '../../tensor/ops/matmul';
import { sizeOf } from '../../tensor/tensor';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';

/**
 * One product to check; M×K×N, with a batch on A, B or both (`shared` says which operand is 2-D).
 * With `sumBatches` the batch is summed into one [M, N] output (R > 1 in the kernels: the gradient
 * of an operand shared across a batch).
 */
interface Case {
  m: number;
  k: number;
  n: number;
  batch?: number;
  shared?: 'A' | 'B';
  sumBatches?: boolean;
}

/** A batched product in each form: both operands batched, B or A shared across the batch, the batch summed. */
const batchedForms = (c: Case): Case[] => [c, { ...c, shared: 'B' }, { ...c, shared: 'A' }, { ...c, sumBatches: true }];

export const matmulCases: Case[] = [
  // Odd sizes: only the strided kernels (K % 4 ≠ 0 exercises their tail) and the tiled one run these.
  { m: 1, k: 1, n: 1 },
  { m: 3, k: 17, n: 5 },
  { m: 17, k: 33, n: 65 },
  { m: 65, k: 257, n: 3 },
  // Crosses the 128-wide block of the 32×32 kernels and the 64-wide tile in both dimensions.
  { m: 257, k: 5, n: 130 },
  ...batchedForms({ m: 17, k: 9, n: 33, batch: 3 }),
  // Multiples of 4 where a vec4 read needs them, awkward sizes elsewhere: which vec4 kernels run
  // depends on the transposition (A·Bᵀ needs K % 4 = 0; A·B also N; Aᵀ·B also M).
  { m: 1, k: 8, n: 4 },
  { m: 3, k: 4, n: 1 },
  { m: 4, k: 36, n: 8 },
  { m: 5, k: 12, n: 36 },
  { m: 36, k: 20, n: 33 },
  { m: 36, k: 4, n: 12 },
  { m: 127, k: 8, n: 129 },
  { m: 132, k: 44, n: 260 },
  ...batchedForms({ m: 20, k: 12, n: 36, batch: 3 }),
  // Attention's many small products: on a CPU adapter 16 batches share a workgroup, and the last
  // workgroup's invocations past batch 19 must store nothing.
  { m: 6, k: 8, n: 5, batch: 19 },
];

const transpositions = [
  { transposeA: false, transposeB: false, name: 'A·B' },
  { transposeA: false, transposeB: true, name: 'A·Bᵀ' },
  { transposeA: true, transposeB: false, name: 'Aᵀ·B' },
  { transposeA: true, transposeB: true, name: 'Aᵀ·Bᵀ' },
] as const;

/** Stored shapes of A and B for a case: transposed operands are stored [K, M] and [N, K]. */
export function operandShapes(
  { m, k, n, batch, shared }: Case,
  transposeA: boolean,
  transposeB: boolean,
): [number[], number[]] {
  const a = transposeA ? [k, m] : [m, k];
  const b = transposeB ? [n, k] : [k, n];
  if (batch === undefined) return [a, b];
  return [shared === 'A' ? a : [batch, ...a], shared === 'B' ? b : [batch, ...b]];
}

function describeCase(c: Case): string {
  const batch =
    c.batch === undefined
      ? ''
      : c.shared
        ? ` batch=${c.batch} (shared ${c.shared})`
        : c.sumBatches
          ? ` batch=${c.batch} summed`
          : ` batch=${c.batch}`;
  return `M=${c.m} K=${c.k} N=${c.n}${batch}`;
}

/** Σ over the leading batch of a flattened [Z, M, N] array. */
function sumOverBatch(data: ArrayLike<number>, outputSize: number): Float64Array {
  const sum = new Float64Array(outputSize);
  for (let i = 0; i < data.length; i++) sum[i % outputSize]! += data[i]!;
  return sum;
}

/**
 * Σ_r Σ_k A(m, k) for each output batch z and row m, laid out [Z, M] as the kernels' row sums are:
 * r runs over the batches summed into z (all of them with `sumBatches`), a 2-D A serves every batch.
 */
function rowSumsReference(a: Float32Array, c: Case, transposeA: boolean): Float64Array {
  const batches = c.batch ?? 1;
  const [outputs, summed] = c.sumBatches ? [1, batches] : [c.batch === undefined ? 1 : batches, 1];
  const aBatched = c.batch !== undefined && c.shared !== 'A';
  const sums = new Float64Array(outputs * c.m);
  for (let z = 0; z < outputs; z++)
    for (let r = 0; r < summed; r++) {
      const base = aBatched ? (z * summed + r) * c.m * c.k : 0;
      for (let m = 0; m < c.m; m++)
        for (let k = 0; k < c.k; k++) sums[z * c.m + m]! += a[base + (transposeA ? k * c.m + m : m * c.k + k)]!;
    }
  return sums;
}

/**
 * f32 accumulation of K products: the rounding error of one output grows like √K·u·Σ|aᵢbᵢ| for
 * random data (u ≈ 6e-8) and at worst like K·u·Σ|aᵢbᵢ|. Errors are therefore measured against
 * R·K·max|A|·max|B| (the floor; no output exceeds it), and 1e-5 of that leaves a wide margin at
 * R·K ≤ 257 while an indexing mistake gives errors of order 1/√K, far above it.
 */
const tolerance = 1e-5;

function check(kernel: MatmulKernelName, c: Case, t: (typeof transpositions)[number], seed: number): KernelCheck {
  const [aShape, bShape] = operandShapes(c, t.transposeA, t.transposeB);
  const a = Float32Array.from(
    randomArray(
      aShape.reduce((x, y) => x * y, 1),
      seed,
    ),
  );
  const b = Float32Array.from(
    randomArray(
      bShape.reduce((x, y) => x * y, 1),
      seed + 1,
    ),
  );
  const summed = c.sumBatches ? (c.batch ?? 1) : 1;
  return {
    kernel: `matmul ${kernel} ${t.name} (+ row sums of A)`,
    sizes: describeCase(c),
    tolerance,
    floor: summed * c.k * maxAbs(a) * maxAbs(b) || 1,
    async run(engine) {
      const { geometry, shape } = matmulGeometry(aShape, t.transposeA, bShape, t.transposeB, c.sumBatches);
      // The product and, from the same dispatch, the row sums of A (a Linear layer's bias gradient).
      const [product, rowSums] = await engine
        .tidy(() => {
          const out = engine.empty(shape, 'f32', 'matmul');
          const sums = engine.empty([geometry.batches * geometry.m], 'f32', 'matmul');
          const [ta, tb] = [engine.tensor(a, aShape), engine.tensor(b, bShape)];
          dispatchMatmul(engine, kernel, geometry, ta, tb, out, { rowSums: sums });
          return [out, sums];
        })
        .map((t) => t.read());
      const reference = matmulReference(
        { data: a, shape: aShape, transposed: t.transposeA },
        { data: b, shape: bShape, transposed: t.transposeB },
      ).data;
      return {
        actual: [...(await product!), ...(await rowSums!)],
        reference: [
          ...(c.sumBatches ? sumOverBatch(reference, c.m * c.n) : reference),
          ...rowSumsReference(a, c, t.transposeA),
        ],
      };
    },
  };
}

/** ∂/∂A and ∂/∂B by finite differences, through the adapter's chosen kernel or a named one. */
function gradientCheckOf(
  c: Case,
  t: { transposeA: boolean; transposeB: boolean; name: string },
  kernel?: MatmulKernelName,
): KernelCheck {
  const [aShape, bShape] = operandShapes(c, t.transposeA, t.transposeB);
  const seed = kernel ? 41 : 31;
  return gradientCheck(
    `matmul ${t.name}${kernel ? ` (${kernel})` : ''}`,
    describeCase(c),
    [
      { data: Float32Array.from(randomArray(sizeOf(aShape), seed)), shape: aShape },
      { data: Float32Array.from(randomArray(sizeOf(bShape), seed + 1)), shape: bShape },
    ],
    () => ({ f: ([a, b]) => matmul(a!, b!, { transposeA: t.transposeA, transposeB: t.transposeB, kernel }) }),
    { differentiates: ['matmul'] },
  );
}

/**
 * The epilogue out = α·(A·B) + bias[n] + residual, through one kernel: what a Linear layer with a
 * residual stores, on a batched input with a ragged edge ([2, 3, 5]·[6, 5]ᵀ).
 */
function epilogueCheck(kernel: MatmulKernelName): KernelCheck {
  const [z, m, k, n, alpha] = [2, 3, 8, 6, 0.7];
  const a = Float32Array.from(randomArray(z * m * k, 51));
  const b = Float32Array.from(randomArray(n * k, 52));
  const bias = Float32Array.from(randomArray(n, 53));
  const residual = Float32Array.from(randomArray(z * m * n, 54));
  return {
    kernel: `matmul ${kernel} epilogue (alpha, bias, residual)`,
    sizes: `[${z}×${m}×${k}]·[${n}×${k}]ᵀ`,
    tolerance,
    floor: k * maxAbs(a) * maxAbs(b),
    async run(engine) {
      const { geometry, shape } = matmulGeometry([z, m, k], false, [n, k], true);
      const actual = await engine
        .tidy(() => {
          const out = engine.empty(shape, 'f32', 'matmul');
          dispatchMatmul(engine, kernel, geometry, engine.tensor(a, [z, m, k]), engine.tensor(b, [n, k]), out, {
            alpha,
            bias: engine.tensor(bias, [n]),
            residual: engine.tensor(residual, shape),
          });
          return out;
        })
        .read();
      const product = matmulReference(
        { data: a, shape: [z, m, k], transposed: false },
        { data: b, shape: [n, k], transposed: true },
      ).data;
      return { actual, reference: Array.from(product, (p, i) => alpha * p + bias[i % n]! + residual[i]!) };
    },
  };
}

/**
 * ∂/∂A, ∂/∂B, ∂/∂bias and ∂/∂residual of the epilogue, by finite differences; the bias gradient comes
 * from the row sums of the ∂/∂B product, so each kernel family is checked.
 */
const epilogueGradientCheck = (kernel?: MatmulKernelName) =>
  gradientCheck(
    `matmul epilogue (alpha, bias, residual)${kernel ? ` (${kernel})` : ''}`,
    '[2×3×5]·[6×5]ᵀ',
    [
      { data: Float32Array.from(randomArray(30, 61)), shape: [2, 3, 5] },
      { data: Float32Array.from(randomArray(30, 62)), shape: [6, 5] },
      { data: Float32Array.from(randomArray(6, 63)), shape: [6] },
      { data: Float32Array.from(randomArray(36, 64)), shape: [2, 3, 6] },
    ],
    () => ({
      f: ([a, b, bias, residual]) => matmul(a!, b!, { transposeB: true, alpha: 0.7, bias, residual, kernel }),
    }),
    { differentiates: ['matmul'] },
  );

/** Small sizes that still cross vec4 column groups and leave ragged edges, in each batched form. */
const gradientCases: Case[] = [
  { m: 3, k: 5, n: 6 },
  { m: 3, k: 5, n: 6, batch: 2 },
  { m: 3, k: 5, n: 6, batch: 2, shared: 'B' },
  { m: 3, k: 5, n: 6, batch: 2, shared: 'A' },
];

/** Every kernel on every case and transposition it can read (the vec4 kernels need their layout). */
export const matmulChecks: KernelCheck[] = [
  ...(Object.keys(matmulKernels) as MatmulKernelName[]).flatMap((kernel) =>
    matmulCases.flatMap((c, i) =>
      transpositions
        .filter((t) => {
          const [aShape, bShape] = operandShapes(c, t.transposeA, t.transposeB);
          return kernelAccepts(
            kernel,
            matmulGeometry(aShape, t.transposeA, bShape, t.transposeB, c.sumBatches).geometry,
          );
        })
        .map((t) => check(kernel, c, t, 100 + 10 * i + 2 * transpositions.indexOf(t))),
    ),
  ),
  ...(['tiled', 'tiledWide', 'strided32', 'vec4ABt32'] as const).map(epilogueCheck),
  ...[undefined, 'tiled', 'tiledWide', 'strided8'].map((kernel) =>
    epilogueGradientCheck(kernel as MatmulKernelName | undefined),
  ),
  ...gradientCases.flatMap((c) => transpositions.map((t) => gradientCheckOf(c, t))),
  // The backward of a shared B under Aᵀ·B sums over the batch (R > 1) in each kernel family.
  ...(['tiled', 'tiledWide', 'strided32'] as const).map((kernel) =>
    gradientCheckOf({ m: 9, k: 7, n: 10, batch: 2, shared: 'B' }, transpositions[2], kernel),
  ),
];
