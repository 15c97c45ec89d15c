// Which matmul kernel runs on this adapter. Register blocks win on SwiftShader, workgroup tiles on
// real GPUs (platform.md): `matmulTunable` lets tuning.ts time both families once per adapter.
// Within the register family, `kernelFor` picks the block size and the operand reads per product.
import type { Engine } from '../engine';
import type { Tensor } from '../tensor';
import { currentChoice, hashSources, type Tunable } from '../tuning';
import { median, timeSubmitted } from '../timing';
import { isSoftwareAdapter } from '../workgroups';
import {
  dispatchMatmul,
  kernelAccepts,
  matmulGeometry,
  matmulKernels,
  matmulPipeline,
  matmulSource,
  type MatmulGeometry,
  type MatmulKernelName,
} from './matmulKernels';

/**
 * A kernel family; the register family picks its block size and operand reads per product. The
 * workgroup-memory tiles form a ladder the tuner times on each adapter: the 64×64 tile, and the
 * 128×128 double-buffered one.
 */
export type MatmulVariant = 'register' | 'tiled' | 'tiledWide';
export const matmulVariants = ['register', 'tiled', 'tiledWide'] as const satisfies readonly MatmulVariant[];

/**
 * Register kernels by block size, best first: vec4 reads where the strides allow them, else the
 * strided kernel, which reads any product.
 */
const registerKernels = {
  small: ['vec4ABt8', 'vec4AB8', 'vec4AtB8', 'strided8'],
  large: ['vec4ABt32', 'vec4AB32', 'vec4AtB32', 'strided32'],
} as const satisfies Record<string, readonly MatmulKernelName[]>;

/**
 * The kernel of `variant` for one product. The 32×32 register block does 4× the work of the 8×8
 * per loaded value but costs a 2–4 s compile and wastes most of its block on products narrower
 * than 32, so it only runs on large products — and only once `compiled` says it may.
 */
export function kernelFor(
  variant: MatmulVariant,
  g: MatmulGeometry,
  compiled: (kernel: MatmulKernelName) => boolean = () => true,
): MatmulKernelName {
  if (variant !== 'register') return variant;
  // The last candidate (strided) accepts every product.
  const pick = (kernels: readonly MatmulKernelName[]) => kernels.find((kernel) => kernelAccepts(kernel, g))!;
  const large = g.m >= 128 && g.n >= 128 && g.m * g.n * g.k * g.reduce >= 2 ** 22;
  if (large && compiled(pick(registerKernels.large))) return pick(registerKernels.large);
  return pick(registerKernels.small);
}

/**
 * Starts compiling, in the background, the kernels of the engine's matmul family that every training
 * step runs (the 8×8 register blocks of each layout, or the tile): a page calls this before it reads
 * its data, so the compiles overlap that work instead of opening the first step.
 */
export function precompileMatmulKernels(engine: Engine): void {
  const variant = currentChoice(engine, matmulTunable).choice;
  const kernels: readonly MatmulKernelName[] = variant === 'register' ? registerKernels.small : [variant];
  for (const kernel of kernels) engine.pipelines.compileInBackground(matmulPipeline(kernel));
}

/**
 * The kernel the engine runs for a product: its tuned family's. On an engine with background
 * compiles, a 32×32 block not compiled yet starts compiling and its 8×8 sibling runs meanwhile: the
 * same reads and the same sequence of operations per output (acc += dot(a, b) over k in fours), so
 * the values are the same to the bit on SwiftShader (test/gpu/matmul.test.ts checks it); only the
 * speed changes when the large block lands.
 */
export function chosenKernel(engine: Engine, g: MatmulGeometry): MatmulKernelName {
  const compiled = (kernel: MatmulKernelName) => {
    if (!engine.backgroundCompiles || engine.pipelines.has(matmulPipeline(kernel))) return true;
    engine.pipelines.compileInBackground(matmulPipeline(kernel));
    return false;
  };
  return kernelFor(currentChoice(engine, matmulTunable).choice, g, compiled);
}

/** A product to time: C = op(A)·op(B) with A stored [M, K] (or [K, M] with transposeA) and B [K, N] (or [N, K]). */
export interface ProductShape {
  m: number;
  k: number;
  n: number;
  transposeA?: boolean;
  transposeB?: boolean;
}

/** Multiply-adds count twice: the FLOPs of one product. */
export const productFlops = ({ m, k, n }: ProductShape) => 2 * m * k * n;

/** The operands' stored shapes and the product's geometry. */
export function productGeometry({ m, k, n, transposeA = false, transposeB = false }: ProductShape) {
  const aShape = transposeA ? [k, m] : [m, k];
  const bShape = transposeB ? [n, k] : [k, n];
  return { aShape, bShape, geometry: matmulGeometry(aShape, transposeA, bShape, transposeB).geometry };
}

export interface MatmulTiming {
  medianMs: number;
  /** Pipeline creation (shader JIT), zero when the pipeline was already cached. */
  compileMs: number;
}

/**
 * Times one kernel on one product: a warm-up that compiles, then `rounds` submits of `reps`
 * dispatches each; a first round slower than `giveUpAboveMs` per product is the figure.
 */
export async function timeKernel(
  engine: Engine,
  kernel: MatmulKernelName,
  product: ProductShape,
  { reps = 3, rounds = 3, giveUpAboveMs = Infinity } = {},
): Promise<MatmulTiming> {
  const { aShape, bShape, geometry: g } = productGeometry(product);
  const tensors: Tensor[] = [
    engine.fill(aShape, 0.5, 'bench-a'),
    engine.fill(bShape, 0.25, 'bench-b'),
    engine.empty([product.m, product.n], 'f32', 'bench-c'),
  ];
  const [a, b, c] = tensors as [Tensor, Tensor, Tensor];
  try {
    const compileStarted = performance.now();
    dispatchMatmul(engine, kernel, g, a, b, c); // creates the pipeline: Dawn in Node compiles the shader here
    const compileMs = performance.now() - compileStarted;
    // One untimed product. A browser compiles at this first submit instead, so its time says
    // nothing about the product's and no sleep may follow from it: sleeping 80 % of it once timed
    // the 32×32 register block in Chromium at 1577 ms per 256³ product, and the page chose tiled.
    await timeSubmitted(engine, () => {});
    const perProduct: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // Sleep for 80 % of the fastest round so far, so the sleep never inflates a measurement.
      const expected = perProduct.length ? 0.8 * Math.min(...perProduct) * reps : 0;
      const ms = await timeSubmitted(
        engine,
        () => {
          for (let r = 0; r < reps; r++) dispatchMatmul(engine, kernel, g, a, b, c);
        },
        expected,
      );
      perProduct.push(ms / reps);
      if (perProduct[0]! > giveUpAboveMs) break;
    }
    const [error] = engine.gpu.takeErrors();
    if (error) throw error;
    return { medianMs: median(perProduct), compileMs };
  } finally {
    for (const t of tensors) t.release();
  }
}

let cachedVersion: string | undefined;

/**
 * The matmul family, timed on a square product of edge `size`. Timing takes a few seconds on
 * SwiftShader at 256, mostly compiling the 32×32 register block, and picks register there by ~10×;
 * on a real GPU the tiled kernel should win. What is stored does not depend on the size (the tests
 * of the store time a small product).
 */
export const matmulTunableAt = (size: number): Tunable<MatmulVariant> => ({
  name: 'matmul',
  candidates: matmulVariants,
  version: () =>
    (cachedVersion ??= `matmul-${hashSources((Object.keys(matmulKernels) as MatmulKernelName[]).flatMap((name) => [name, matmulSource(name)]))}`),
  adapterDefault: (engine) => (isSoftwareAdapter(engine.gpu.adapter) ? 'register' : 'tiled'),
  workload: `a ${size}³ product`,
  async time(engine, variant, { giveUpAboveMs }) {
    const product = { m: size, k: size, n: size };
    const kernel = kernelFor(variant, productGeometry(product).geometry);
    return (await timeKernel(engine, kernel, product, { giveUpAboveMs })).medianMs;
  },
});

export const matmulTunable = matmulTunableAt(256);
