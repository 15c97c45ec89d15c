// Which matmul kernel runs on this adapter. Register blocks win on SwiftShader, workgroup tiles on
// real GPUs (platform.md): `chooseMatmulVariant` times both families once per adapter and keeps the
// winner in a KernelChoiceStore, so later engines on the same adapter (and kernel set) skip timing.
// Within the register family, `kernelFor` picks the block size and the operand reads per product.
import { z } from '../../zod';
import { isSoftwareAdapter, type Engine } from '../engine';
import type { KernelChoiceStore } from '../kernelChoices';
import type { Tensor } from '../tensor';
import { median, timeSubmitted } from '../timing';
import { dispatchMatmul, kernelAccepts, matmulGeometry, matmulKernels, matmulSource, type MatmulGeometry, type MatmulKernelName } from './matmulKernels';

/** A kernel family; the register family picks its block size and operand reads per product. */
export type MatmulVariant = 'register' | 'tiled';
export const matmulVariants = ['register', 'tiled'] as const satisfies readonly MatmulVariant[];

export interface MatmulChoice {
  variant: MatmulVariant;
  /**
   * How it was decided: measured now, read from the store (measured by an earlier run on this
   * adapter with the same kernel set), set explicitly, or guessed from the adapter's name.
   */
  source: 'timed' | 'cached' | 'set' | 'adapter default';
  /** Median ms per product at the timed size, per variant (when timed or cached). */
  timings?: Partial<Record<MatmulVariant, number>>;
  size?: number;
}

const choices = new WeakMap<Engine, MatmulChoice>();

/** The variant this engine uses, with how it was picked. */
export function matmulChoice(engine: Engine): MatmulChoice {
  return choices.get(engine) ?? { variant: isSoftwareAdapter(engine.gpu.adapter) ? 'register' : 'tiled', source: 'adapter default' };
}

/** Forces a variant for every later matmul on this engine (tests, or a user's override). */
export function setMatmulVariant(engine: Engine, variant: MatmulVariant): void {
  choices.set(engine, { variant, source: 'set' });
}

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
 * than 32, so it only runs on large products.
 */
export function kernelFor(variant: MatmulVariant, g: MatmulGeometry): MatmulKernelName {
  if (variant === 'tiled') return 'tiled';
  const large = g.m >= 128 && g.n >= 128 && g.m * g.n * g.k * g.reduce >= 2 ** 22;
  // The last candidate (strided) accepts every product.
  return registerKernels[large ? 'large' : 'small'].find((kernel) => kernelAccepts(kernel, g))!;
}

/** A product to time: C = op(A)·op(B) with A stored [M, K] (or [K, M] with transposeA) and B [K, N] (or [N, K]). */
export interface ProductShape {
  m: number;
  k: number;
  n: number;
  transposeA?: boolean;
  transposeB?: boolean;
}

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

/** Times one kernel on one product: a warm-up that compiles, then `rounds` submits of `reps` dispatches each. */
export async function timeKernel(engine: Engine, kernel: MatmulKernelName, product: ProductShape, { reps = 3, rounds = 3 } = {}): Promise<MatmulTiming> {
  const { aShape, bShape, geometry: g } = productGeometry(product);
  const tensors: Tensor[] = [engine.fill(aShape, 0.5, 'bench-a'), engine.fill(bShape, 0.25, 'bench-b'), engine.empty([product.m, product.n], 'f32', 'bench-c')];
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
      const ms = await timeSubmitted(engine, () => {
        for (let r = 0; r < reps; r++) dispatchMatmul(engine, kernel, g, a, b, c);
      }, expected);
      perProduct.push(ms / reps);
    }
    const [error] = engine.gpu.takeErrors();
    if (error) throw error;
    return { medianMs: median(perProduct), compileMs };
  } finally {
    for (const t of tensors) t.release();
  }
}

/** FNV-1a of every kernel's source: any change to a kernel or to the set re-times on every adapter. */
function sourceHash(): string {
  let hash = 0x811c9dc5;
  for (const name of Object.keys(matmulKernels) as MatmulKernelName[]) {
    for (const ch of `${name}\n${matmulSource(name)}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

let cachedKernelSet: string | undefined;

/** Version of the matmul kernel set that a stored choice was timed with. */
function matmulKernelSet(): string {
  cachedKernelSet ??= `matmul-${sourceHash()}`;
  return cachedKernelSet;
}

/** Store key: the kernel set, and the adapter as it names itself. */
function matmulChoiceKey(adapter: Engine['gpu']['adapter'], kernels: string): string {
  return [kernels, adapter.vendor, adapter.architecture, adapter.device, adapter.description].join(' | ');
}

/** What a store holds per key; anything else found there (an older format, a hand edit) is ignored. */
const storedChoice = z.object({
  variant: z.enum(matmulVariants),
  timings: z.partialRecord(z.enum(matmulVariants), z.number().positive()),
  size: z.number().int().positive(),
});

export interface ChooseOptions {
  /** Edge of the square product the variants are timed on. */
  size?: number;
  /** Where choices persist between runs (a JSON file in Node, localStorage in the browser). */
  store?: KernelChoiceStore;
  /** Overrides the kernel-set version (tests). */
  kernelSet?: string;
}

/**
 * The variant for this engine: the stored choice for its adapter and kernel set, or else every
 * variant timed on a size³ product (compile excluded), the fastest kept and stored. Timing takes a
 * few seconds on SwiftShader, mostly compiling the 32×32 register block.
 */
export async function chooseMatmulVariant(engine: Engine, { size = 256, store, kernelSet = matmulKernelSet() }: ChooseOptions = {}): Promise<MatmulChoice> {
  const key = matmulChoiceKey(engine.gpu.adapter, kernelSet);
  const stored = storedChoice.safeParse(await store?.get(key));
  if (stored.success) {
    const choice: MatmulChoice = { ...stored.data, source: 'cached' };
    choices.set(engine, choice);
    return choice;
  }
  const timings: Partial<Record<MatmulVariant, number>> = {};
  for (const variant of matmulVariants) {
    const product = { m: size, k: size, n: size };
    timings[variant] = (await timeKernel(engine, kernelFor(variant, productGeometry(product).geometry), product)).medianMs;
  }
  const variant = matmulVariants.reduce((best: MatmulVariant, v) => (timings[v]! < timings[best]! ? v : best));
  const choice: MatmulChoice = { variant, source: 'timed', timings, size };
  choices.set(engine, choice);
  await store?.set(key, { variant, timings, size });
  return choice;
}

/** One line for the self-test: the variant, and whether it was timed now or read from the cache. */
export function describeMatmulChoice({ variant, source, timings, size }: MatmulChoice): string {
  const timed = Object.entries(timings ?? {}).map(([v, ms]) => `${v} ${ms.toFixed(1)} ms`).join(', ');
  const how = source === 'timed' ? `timed now at ${size}³` : source === 'cached' ? `cached, timed earlier on this adapter at ${size}³` : source;
  return `${variant} (${how}${timed ? `: ${timed}` : ''})`;
}
