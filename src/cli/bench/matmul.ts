// `npm run bench -- matmul`: GFLOP/s of every matmul kernel that can read each product — squares in
// the layout each kernel serves, and the softmax output layer's three products (logits h·Wᵀ, dh = dZ·W,
// dW = dZᵀ·h) for N = 1024 tokens, d = 256 — with each pipeline's compile time, the kernel the
// engine would pick, and the family tuning chose (or read from the cache) on this adapter.
import Table from 'cli-table3';
import type { Engine } from '../../tensor/engine';
import { kernelAccepts, matmulKernels, type MatmulKernelName } from '../../tensor/ops/matmulKernels';
import {
  kernelFor,
  matmulTunable,
  productFlops,
  productGeometry,
  timeKernel,
  type MatmulVariant,
  type ProductShape,
} from '../../tensor/ops/matmulVariants';
import { currentChoice, describeChoice, type KernelChoice } from '../../tensor/tuning';
import type { BenchReport } from './report';

export interface BenchProduct extends ProductShape {
  label: string;
}

export interface MatmulBenchRow {
  product: BenchProduct;
  kernel: MatmulKernelName;
  /** What the engine's register variant runs for this product. */
  chosen: boolean;
  gflops?: number;
  medianMs?: number;
  /** Pipeline creation (shader JIT); 0 when an earlier product already compiled it. */
  compileMs?: number;
  /** Why there is no figure. */
  skipped?: string;
}

const tokens = 1024;
const hidden = 256;

/** Squares in each dense layout a vec4 kernel serves (strided and tiled kernels run the A·B one). */
function squares(sizes: number[]): BenchProduct[] {
  return sizes.flatMap((s) => [
    { label: `${s}³ A·B`, m: s, k: s, n: s },
    { label: `${s}³ A·Bᵀ`, m: s, k: s, n: s, transposeB: true },
    { label: `${s}³ Aᵀ·B`, m: s, k: s, n: s, transposeA: true },
  ]);
}

/** The softmax head's products for one training step at vocabulary V. */
function outputLayer(vocab: number): BenchProduct[] {
  const v = vocab.toLocaleString('en');
  return [
    { label: `logits h·Wᵀ, V = ${v}`, m: tokens, k: hidden, n: vocab, transposeB: true },
    { label: `dh = dZ·W, V = ${v}`, m: tokens, k: vocab, n: hidden },
    { label: `dW = dZᵀ·h, V = ${v}`, m: vocab, k: tokens, n: hidden, transposeA: true },
  ];
}

/** Which kernels a product is timed with: squares in other layouts only for the vec4 kernel of theirs. */
function kernelsFor(product: BenchProduct, allLayouts: boolean): MatmulKernelName[] {
  const { geometry } = productGeometry(product);
  return (Object.keys(matmulKernels) as MatmulKernelName[]).filter(
    (kernel) => kernelAccepts(kernel, geometry) && (allLayouts || kernel.startsWith('vec4')),
  );
}

export interface MatmulBenchOptions {
  sizes?: number[];
  vocabularies?: number[];
  /**
   * Skip a kernel the engine would not pick on a product it would take longer than this on, judged by its latest rate
   * (ms).
   */
  maxProductMs?: number;
}

async function benchMatmul(
  engine: Engine,
  { sizes = [256, 512, 1024, 2048], vocabularies = [5000, 50000], maxProductMs = 8000 }: MatmulBenchOptions = {},
): Promise<{ rows: MatmulBenchRow[]; choice: KernelChoice<MatmulVariant> }> {
  const rows: MatmulBenchRow[] = [];
  // Latest rate per kernel: products grow along each list, so it estimates the next one.
  const rates = new Map<MatmulKernelName, number>();
  const products = [
    ...squares(sizes).map((p) => [p, !p.transposeA && !p.transposeB] as const),
    ...vocabularies.flatMap(outputLayer).map((p) => [p, true] as const),
  ];
  for (const [product, allLayouts] of products) {
    const chosenKernel = kernelFor('register', productGeometry(product).geometry);
    for (const kernel of kernelsFor(product, allLayouts)) {
      const row: MatmulBenchRow = { product, kernel, chosen: kernel === chosenKernel };
      const rate = rates.get(kernel);
      const estimateMs = rate === undefined ? 0 : productFlops(product) / (rate * 1e6);
      // The kernel the engine picks always runs: its figures are the point of the table.
      if (!row.chosen && estimateMs > maxProductMs) {
        row.skipped = `about ${(estimateMs / 1000).toFixed(0)} s per product`;
      } else {
        // ~2^28 FLOPs per submit keeps dispatch and sync overheads small; 5 rounds where they are
        // cheap (under ~2 s per product here), as one disturbed round of 3 already moves the median.
        const reps = Math.max(1, Math.round(2 ** 28 / productFlops(product)));
        const rounds = productFlops(product) < 2 ** 33 ? 5 : 3;
        const { medianMs, compileMs } = await timeKernel(engine, kernel, product, { reps, rounds });
        row.gflops = productFlops(product) / (medianMs * 1e6);
        row.medianMs = medianMs;
        row.compileMs = compileMs;
        rates.set(kernel, row.gflops);
      }
      rows.push(row);
    }
  }
  // The CLI's engine was tuned when it opened (cli/engine.ts).
  return { rows, choice: currentChoice(engine, matmulTunable) };
}

export async function matmulBenchReport(engine: Engine, options?: MatmulBenchOptions): Promise<BenchReport> {
  const result = await benchMatmul(engine, options);
  const table = new Table({ head: ['product', 'M×K×N', 'kernel', 'GFLOP/s', 'median ms', 'compile ms'] });
  for (const { product: p, kernel, chosen, gflops, medianMs, compileMs, skipped } of result.rows) {
    const figures = skipped
      ? [`skipped: ${skipped}`, '', '']
      : [gflops!.toFixed(2), medianMs!.toFixed(1), compileMs!.toFixed(0)];
    table.push([p.label, `${p.m}×${p.k}×${p.n}`, chosen ? `${kernel} (chosen)` : kernel, ...figures]);
  }
  return {
    text: `${table.toString()}\nkernel choice for this adapter: ${describeChoice(matmulTunable, result.choice)}`,
    json: result,
  };
}
