// In-app word vectors: the PPMI matrix of the task's own text (src/data/cooccurrence) factored by a
// randomized truncated SVD, each word's vector the row of U_k·S_k^p (Levy, Goldberg & Dagan 2015).
// Shape legend: V vocabulary, k dimension, l = k + oversampling columns per product.
// With an engine and a large enough matrix, the sparse×dense products (the only costly step, V×V·V×l
// six times) run as WGSL kernels in f32; the QR and small SVD of the V×l and l×l blocks stay in
// float64 on the CPU. Otherwise the same algorithm runs entirely in float64 on the CPU.
import { ppmiMatrix, type CooccurrenceOptions, type PpmiOptions } from '../data/cooccurrence';
import { randomizedSvd, type LinearOperator, type TruncatedSvd } from '../math/randomizedSvd';
import { csrOperator, transposeCsr, type CsrMatrix } from '../math/sparse';
import type { Engine } from '../tensor/engine';
import { releaseSparse, sparseTimesDense, uploadSparse, type SparseOperand } from '../tensor/ops/spmm';
import type { Tensor } from '../tensor/tensor';
import { timeSubmitted } from '../tensor/timing';

export interface SvdEmbeddingOptions {
  /** Vector length k (default 100). */
  dimension?: number;
  /** Randomized SVD oversampling (default 10). */
  oversampling?: number;
  /** Randomized SVD power iterations (default 2). */
  powerIterations?: number;
  /** p in U·S^p: 0.5 weighs directions less unequally than the plain SVD's p = 1 (default 0.5). */
  eigenvalueWeighting?: number;
  /** Seed of the random test matrix; the same seed gives the same vectors. */
  seed?: number;
  /** Run the products on this GPU engine when they are worth it (`gpuFromWork`); without it everything runs on the CPU. */
  engine?: Engine;
  /**
   * Multiply-adds per product (nonzeros × l) from which the engine runs them (default 2^24). Below,
   * the kernels' compiles and six read-backs cost more than the CPU's float64 products: for the live
   * default's 500 × 500 matrix (31,737 nonzeros, l = 42) the GPU path took 0.53 s in Node on
   * SwiftShader, the CPU one 0.05 s, and the data are prepared before the first loss point.
   */
  gpuFromWork?: number;
}

const defaultGpuFromWork = 2 ** 24;

export interface InAppEmbeddings {
  /** Row w is word w's vector, [V×k] row-major; a word with no co-occurrences gets a zero row. */
  vectors: Float32Array;
  vocabSize: number;
  dimension: number;
  singularValues: Float64Array;
  /** Where the sparse products ran. */
  device: 'gpu' | 'cpu';
}

const defaultDimension = 100;
const defaultEigenvalueWeighting = 0.5;

/** Products with A and Aᵀ through the WGSL kernel; each result read back for the float64 QR. */
function gpuOperator(engine: Engine, operand: SparseOperand): LinearOperator {
  // 80 % of the previous product's time: the wait sleeps through most of it instead of letting
  // npm `webgpu` busy-poll a core that SwiftShader needs (see tensor/timing).
  let expectedMs = 0;
  const product = async (x: Float64Array, width: number, transpose: boolean) => {
    const inner = transpose ? operand.matrix.rows : operand.matrix.cols;
    const outer = transpose ? operand.matrix.cols : operand.matrix.rows;
    // The kernel reads rows as vec4: pad X with zero columns, drop them from Y.
    const padded = Math.ceil(width / 4) * 4;
    const x32 = new Float32Array(inner * padded);
    for (let i = 0; i < inner; i++) for (let j = 0; j < width; j++) x32[i * padded + j] = x[i * width + j]!;
    let y: Tensor | undefined;
    expectedMs =
      0.8 *
      (await timeSubmitted(
        engine,
        () =>
          (y = engine.tidy(() =>
            sparseTimesDense(engine, operand, engine.tensor(x32, [inner, padded], 'f32', 'svd.block'), { transpose }),
          )),
        expectedMs,
      ));
    const data = await y!.read();
    y!.release();
    const result = new Float64Array(outer * width);
    for (let i = 0; i < outer; i++) for (let j = 0; j < width; j++) result[i * width + j] = data[i * padded + j]!;
    return result;
  };
  return {
    rows: operand.matrix.rows,
    cols: operand.matrix.cols,
    times: (x, width) => product(x, width, false),
    transposeTimes: (x, width) => product(x, width, true),
  };
}

/** The truncated SVD of a sparse matrix, its products on the GPU when an engine is given and they are worth it. */
export async function sparseRandomizedSvd(a: CsrMatrix, options: SvdEmbeddingOptions = {}): Promise<TruncatedSvd> {
  const { dimension = defaultDimension, oversampling = 10, powerIterations = 2, seed = 1 } = options;
  const svdOptions = { rank: dimension, oversampling, powerIterations, seed };
  const transposed = transposeCsr(a);
  const engine = productEngine(a, options);
  if (!engine) return randomizedSvd(csrOperator(a, transposed), svdOptions);
  const operand = uploadSparse(engine, a, 'ppmi', transposed);
  try {
    return await randomizedSvd(gpuOperator(engine, operand), svdOptions);
  } finally {
    releaseSparse(operand);
  }
}

/** The engine the products run on, if any: the given one when they are worth it (`gpuFromWork`). */
function productEngine(a: CsrMatrix, options: SvdEmbeddingOptions): Engine | undefined {
  const { dimension = defaultDimension, oversampling = 10, gpuFromWork = defaultGpuFromWork } = options;
  return a.values.length * (dimension + oversampling) >= gpuFromWork ? options.engine : undefined;
}

/** Word vectors U_k·S_k^p from a V×V PPMI matrix. */
export async function factorPpmi(ppmi: CsrMatrix, options: SvdEmbeddingOptions = {}): Promise<InAppEmbeddings> {
  const p = options.eigenvalueWeighting ?? defaultEigenvalueWeighting;
  const svd = await sparseRandomizedSvd(ppmi, options);
  const k = svd.rank;
  const weights = svd.s.map((s) => s ** p);
  const vectors = Float32Array.from(svd.u, (value, i) => value * weights[i % k]!);
  const device = productEngine(ppmi, options) ? 'gpu' : 'cpu';
  return { vectors, vocabSize: ppmi.rows, dimension: k, singularValues: svd.s, device };
}

/**
 * In-app embeddings from token-id sequences with the spec's defaults: window 5 with 1/d weighting,
 * α = 0.75, no shift, k = 100, oversampling 10, 2 power iterations, p = 0.5.
 */
export async function buildInAppEmbeddings(
  sequences: Iterable<ArrayLike<number>>,
  vocabSize: number,
  options: SvdEmbeddingOptions & CooccurrenceOptions & PpmiOptions = {},
): Promise<InAppEmbeddings> {
  return factorPpmi(ppmiMatrix(sequences, vocabSize, options), options);
}
