// Which matmul kernel runs on this adapter. Register blocks win on SwiftShader, workgroup tiles on
// real GPUs (platform.md); `chooseMatmulVariant` times both once per engine and remembers the winner.
import type { Engine } from '../engine';
import type { Tensor } from '../tensor';
import { dispatchMatmul, type MatmulGeometry, type MatmulKernelName } from './matmulKernels';
import { median, timeSubmitted } from '../timing';

/** A kernel family; the register family picks its block size per product. */
export type MatmulVariant = 'register' | 'tiled';
export const matmulVariants: readonly MatmulVariant[] = ['register', 'tiled'];

export interface MatmulChoice {
  variant: MatmulVariant;
  /** How it was decided: measured here, set explicitly, or guessed from the adapter's name. */
  source: 'timed' | 'set' | 'adapter default';
  /** Median ms per product at the timed size, per variant (when timed). */
  timings?: Partial<Record<MatmulVariant, number>>;
  size?: number;
}

const choices = new WeakMap<Engine, MatmulChoice>();

function isSoftwareAdapter(engine: Engine): boolean {
  const { architecture, vendor, isFallback } = engine.gpu.adapter;
  return isFallback || /swiftshader|lavapipe|llvmpipe/i.test(`${architecture} ${vendor}`);
}

/** The variant this engine uses, with how it was picked. */
export function matmulChoice(engine: Engine): MatmulChoice {
  return choices.get(engine) ?? { variant: isSoftwareAdapter(engine) ? 'register' : 'tiled', source: 'adapter default' };
}

/** Forces a variant for every later matmul on this engine (tests, or a user's override). */
export function setMatmulVariant(engine: Engine, variant: MatmulVariant): void {
  choices.set(engine, { variant, source: 'set' });
}

/**
 * The 32×32 register block does 4× the work of the 8×8 per loaded value but costs a 2–3 s compile
 * and wastes most of its block on products narrower than 32, so it only runs on large products.
 */
export function kernelFor(variant: MatmulVariant, m: number, n: number, k: number): MatmulKernelName {
  if (variant === 'tiled') return 'tiled';
  return m >= 128 && n >= 128 && m * n * k >= 2 ** 22 ? 'register32' : 'register8';
}

function squareGeometry(size: number): MatmulGeometry {
  return { m: size, n: size, k: size, batches: 1, reduce: 1, aM: size, aK: 1, aBatch: 0, bK: size, bN: 1, bBatch: 0 };
}

export interface MatmulTiming {
  medianMs: number;
  /** Pipeline creation (shader JIT), zero when the pipeline was already cached. */
  compileMs: number;
}

/** Times one kernel on size³ products: a warm-up that compiles, then `rounds` submits of `reps` dispatches each. */
export async function timeKernel(engine: Engine, kernel: MatmulKernelName, size: number, { reps = 3, rounds = 3 } = {}): Promise<MatmulTiming> {
  const g = squareGeometry(size);
  const tensors: Tensor[] = [engine.fill([size, size], 0.5, 'bench-a'), engine.fill([size, size], 0.25, 'bench-b'), engine.empty([size, size], 'f32', 'bench-c')];
  const [a, b, c] = tensors as [Tensor, Tensor, Tensor];
  try {
    const compileStarted = performance.now();
    dispatchMatmul(engine, kernel, g, a, b, c); // creates the pipeline: the shader JIT runs here
    const compileMs = performance.now() - compileStarted;
    const warmupMs = await timeSubmitted(engine, () => {});
    // Sleep for 80 % of the fastest round so far, so the sleep never inflates a measurement.
    let expected = 0.8 * warmupMs * reps;
    const perProduct: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const ms = await timeSubmitted(engine, () => {
        for (let r = 0; r < reps; r++) dispatchMatmul(engine, kernel, g, a, b, c);
      }, expected);
      perProduct.push(ms / reps);
      expected = 0.8 * Math.min(...perProduct) * reps;
    }
    return { medianMs: median(perProduct), compileMs };
  } finally {
    for (const t of tensors) t.release();
  }
}

/**
 * Times every variant on a size³ product (compile excluded) and keeps the fastest for this engine.
 * On SwiftShader this takes a few seconds, mostly compiling the 32×32 register block.
 */
export async function chooseMatmulVariant(engine: Engine, size = 256): Promise<MatmulChoice> {
  const timings: Partial<Record<MatmulVariant, number>> = {};
  for (const variant of matmulVariants) {
    timings[variant] = (await timeKernel(engine, kernelFor(variant, size, size, size), size)).medianMs;
  }
  const variant = matmulVariants.reduce((best, v) => (timings[v]! < timings[best]! ? v : best));
  const choice: MatmulChoice = { variant, source: 'timed', timings, size };
  choices.set(engine, choice);
  return choice;
}
