// Which matmul kernel runs for which operand strides (no GPU: selection is pure arithmetic).
import { describe, expect, it } from 'vitest';
import {
  kernelAccepts,
  matmulGeometry,
  matmulKernels,
  type MatmulKernelName,
} from '../../src/tensor/ops/matmulKernels';
import { kernelFor, productGeometry } from '../../src/tensor/ops/matmulVariants';

const pick = (aShape: number[], transposeA: boolean, bShape: number[], transposeB: boolean, sumBatches = false) =>
  kernelFor('register', matmulGeometry(aShape, transposeA, bShape, transposeB, sumBatches).geometry);

describe('kernelFor on the products of a linear layer y = x·Wᵀ (W [out, in])', () => {
  // The softmax head at N = 1024 tokens, d = 256, V = 5000: logits, dh, dW.
  it('reads the forward x·Wᵀ along k (vec4 A·Bᵀ)', () => {
    expect(pick([1024, 256], false, [5000, 256], true)).toBe('vec4ABt32');
    // Batched x [Z, T, d] with the shared W: one product of Z·T rows, not Z products of T.
    expect(pick([16, 20, 256], false, [5000, 256], true)).toBe('vec4ABt32');
    expect(matmulGeometry([16, 20, 256], false, [5000, 256], true).geometry).toEqual(
      matmulGeometry([320, 256], false, [5000, 256], true).geometry,
    );
  });

  it('reads dX = dY·W with A along k and W along n (vec4 A·B)', () => {
    expect(pick([1024, 5000], false, [5000, 256], false)).toBe('vec4AB32');
    expect(pick([16, 20, 5000], false, [5000, 256], false)).toBe('vec4AB32');
  });

  it('reads dW = dYᵀ·X along m and n (vec4 Aᵀ·B), summing a batched input inside the kernel', () => {
    expect(pick([1024, 5000], true, [1024, 256], false)).toBe('vec4AtB32');
    // Summed over a batch whose operands continue along k: one product with K = Z·T.
    const summed = matmulGeometry([16, 20, 5000], true, [16, 20, 256], false, true).geometry;
    expect(summed).toEqual(matmulGeometry([320, 5000], true, [320, 256], false).geometry);
    expect(kernelFor('register', summed)).toBe('vec4AtB32');
    // K = T = 21 per batch, but 16·21 = 336 in all: the tail-free kernel still applies.
    expect(pick([16, 21, 5000], true, [16, 21, 256], false, true)).toBe('vec4AtB32');
  });

  it('keeps batches apart when the strides do not continue', () => {
    // Transposed A batches (stored [Z, K, M]) are not consecutive rows of one taller A.
    expect(matmulGeometry([3, 8, 12], true, [8, 20], false).geometry).toMatchObject({ m: 12, batches: 3 });
    // Both operands batched: each batch has its own B.
    expect(matmulGeometry([3, 12, 8], false, [3, 8, 20], false).geometry).toMatchObject({ m: 12, batches: 3 });
    // Summed, but B transposed per batch ([Z, N, K]): k does not run on from one batch to the next.
    expect(matmulGeometry([3, 12, 8], false, [3, 20, 8], true, true).geometry).toMatchObject({ k: 8, reduce: 3 });
  });

  it('falls back to the strided kernel when a stride or K is not a multiple of 4', () => {
    expect(pick([1024, 255], false, [5000, 255], true)).toBe('strided32'); // d = 255: rows not 16-byte aligned
    expect(pick([1024, 5001], false, [5001, 256], false)).toBe('strided32'); // V = 5001
    expect(pick([1023, 5000], true, [1023, 256], false)).toBe('strided32'); // 1023 tokens: K % 4 ≠ 0
    expect(pick([1024, 5001], true, [1024, 256], false)).toBe('strided32'); // dW at V = 5001
  });

  it('uses the 8×8 block for small or narrow products, with the same layout rules', () => {
    expect(pick([64, 32], false, [48, 32], true)).toBe('vec4ABt8');
    expect(pick([64, 48], false, [48, 32], false)).toBe('vec4AB8');
    expect(pick([64, 48], true, [64, 32], false)).toBe('vec4AtB8');
    expect(pick([8, 512], false, [10240, 512], true)).toBe('vec4ABt8'); // M = 8: a 32×32 block would idle
    expect(pick([64, 33], false, [48, 33], true)).toBe('strided8');
  });

  it('reads Aᵀ·Bᵀ through the strides, and always uses the tile in a tiled variant', () => {
    expect(pick([256, 1024], true, [1024, 256], true)).toBe('strided32');
    const logits = productGeometry({ m: 1024, k: 256, n: 5000, transposeB: true }).geometry;
    expect(kernelFor('tiled', logits)).toBe('tiled');
    expect(kernelFor('tiledWide', logits)).toBe('tiledWide');
  });
});

describe('kernelAccepts', () => {
  const layouts = [
    { name: 'A·B', transposeA: false, transposeB: false, kernels: ['vec4AB8', 'vec4AB32'] },
    { name: 'A·Bᵀ', transposeA: false, transposeB: true, kernels: ['vec4ABt8', 'vec4ABt32'] },
    { name: 'Aᵀ·B', transposeA: true, transposeB: false, kernels: ['vec4AtB8', 'vec4AtB32'] },
    { name: 'Aᵀ·Bᵀ', transposeA: true, transposeB: true, kernels: [] },
  ];
  const all = Object.keys(matmulKernels) as MatmulKernelName[];

  it.each(layouts)(
    'lets exactly the strided, tiled and $name vec4 kernels read a dense $name product',
    ({ transposeA, transposeB, kernels }) => {
      const { geometry } = productGeometry({ m: 12, k: 8, n: 20, transposeA, transposeB });
      expect(all.filter((k) => kernelAccepts(k, geometry)).sort()).toEqual(
        ['strided32', 'strided8', 'tiled', 'tiledWide', ...kernels].sort(),
      );
    },
  );

  it('keeps the vec4 kernels off products whose batch stride breaks 16-byte alignment', () => {
    const aligned = matmulGeometry([3, 5, 8], false, [8, 12], false).geometry; // a_batch = 40, a_m = 8
    expect(kernelAccepts('vec4AB8', aligned)).toBe(true);
    expect(kernelAccepts('vec4AB8', { ...aligned, aBatch: 42 })).toBe(false);
    expect(kernelAccepts('vec4AB8', { ...aligned, bBatch: 2 })).toBe(false);
    expect(kernelAccepts('vec4AB8', { ...aligned, k: 6 })).toBe(false);
  });
});
