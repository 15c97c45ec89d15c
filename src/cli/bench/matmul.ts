// `npm run bench -- matmul`: GFLOP/s of every matmul kernel on square products, and the variant
// chooseMatmulVariant picks on this adapter.
import Table from 'cli-table3';
import type { Engine } from '../../tensor/engine';
import { matmulKernels, type MatmulKernelName } from '../../tensor/ops/matmulKernels';
import { chooseMatmulVariant, timeKernel, type MatmulChoice } from '../../tensor/ops/matmulVariants';
import type { BenchReport } from './index';

export interface MatmulBenchRow {
  variant: MatmulKernelName;
  m: number;
  k: number;
  n: number;
  gflops: number;
  medianMs: number;
  /** Pipeline creation (shader JIT); 0 when an earlier size already compiled it. */
  compileMs: number;
}

/** Enough products per submit for ~2^28 FLOPs, so dispatch and sync overheads stay small. */
function repsFor(size: number): number {
  return Math.max(1, Math.round(2 ** 28 / (2 * size ** 3)));
}

export async function benchMatmul(engine: Engine, sizes = [256, 512, 1024]): Promise<{ rows: MatmulBenchRow[]; choice: MatmulChoice }> {
  const rows: MatmulBenchRow[] = [];
  for (const size of sizes) {
    for (const variant of Object.keys(matmulKernels) as MatmulKernelName[]) {
      const { medianMs, compileMs } = await timeKernel(engine, variant, size, { reps: repsFor(size), rounds: 5 });
      rows.push({ variant, m: size, k: size, n: size, gflops: (2 * size ** 3) / (medianMs * 1e6), medianMs, compileMs });
    }
  }
  return { rows, choice: await chooseMatmulVariant(engine) };
}

export async function matmulBenchReport(engine: Engine, sizes?: number[]): Promise<BenchReport> {
  const result = await benchMatmul(engine, sizes);
  const table = new Table({ head: ['kernel', 'M×K×N', 'GFLOP/s', 'median ms', 'compile ms'] });
  for (const r of result.rows) {
    table.push([r.variant, `${r.m}×${r.k}×${r.n}`, r.gflops.toFixed(2), r.medianMs.toFixed(1), r.compileMs.toFixed(0)]);
  }
  const { variant, timings, size } = result.choice;
  const timed = Object.entries(timings ?? {}).map(([v, ms]) => `${v} ${ms.toFixed(1)} ms`).join(', ');
  return { text: `${table.toString()}\nchosen matmul variant: ${variant} (at ${size}³: ${timed})`, json: result };
}
