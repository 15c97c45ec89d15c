import { normalSampler } from '../../math/random';
import { topKReference } from '../../math/reference/topk';
import { topKByDot, topKMethods, type TopKMethod } from '../../tensor/ops/nearest';
import type { Engine } from '../../tensor/engine';
import type { KernelCheck } from '../types';

interface Case {
  n: number;
  v: number;
  m: number;
  k: number;
  cosine: boolean;
  bias?: boolean;
  /** Rows of scores the matmul method writes per chunk (default: all that fit 32 MiB). */
  chunkRows?: number;
}

const cases: Case[] = [
  { n: 1, v: 1, m: 1, k: 1, cosine: false },
  { n: 3, v: 5, m: 3, k: 5, cosine: true },
  { n: 17, v: 1025, m: 100, k: 5, cosine: true },
  { n: 9, v: 2500, m: 17, k: 32, cosine: false },
  { n: 33, v: 1023, m: 33, k: 1, cosine: true },
  { n: 5, v: 1100, m: 9, k: 3, cosine: false, bias: true },
  { n: 17, v: 300, m: 8, k: 4, cosine: true, chunkRows: 3 },
];

function unitRows(rows: number, m: number, seed: number): Float32Array {
  const normal = normalSampler(seed);
  const out = new Float32Array(rows * m);
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: m }, normal);
    const norm = Math.hypot(...row);
    row.forEach((x, j) => (out[r * m + j] = x / norm));
  }
  return out;
}

function label({ n, v, m, k, cosine, bias, chunkRows }: Case, method: TopKMethod): string {
  return `${method}, N=${n} V=${v} m=${m} k=${k}${cosine ? ' cosine' : ''}${bias ? ' bias' : ''}${chunkRows && method === 'matmul' ? `, ${chunkRows} rows per chunk` : ''}`;
}

/**
 * The ids check scores the GPU's picks in float64: a pick that differs from the brute force only
 * inside an f32 near-tie costs ~1e-7, a wrong row costs the score gap.
 */
export const nearestChecks: KernelCheck[] = topKMethods.flatMap((method) =>
  cases.flatMap((c): KernelCheck[] => {
    const data = () => {
      const queries = unitRows(c.n, c.m, c.n + c.v).map((x, i) => x * (1 + (i % 7)));
      const table = unitRows(c.v, c.m, c.m + 1);
      const bias = c.bias ? unitRows(1, c.v, 3).map((x) => 20 * x) : undefined;
      return { queries, table, bias, reference: topKReference(queries, table, c.n, c.v, c.m, c.k, c.cosine, bias) };
    };
    const search = (engine: Engine, d: ReturnType<typeof data>) =>
      topKByDot(engine, engine.tensor(d.queries, [c.n, c.m]), engine.tensor(d.table, [c.v, c.m]), c.k, {
        cosine: c.cosine,
        method,
        ...(c.chunkRows ? { scoreChunkBytes: 4 * c.v * c.chunkRows } : {}),
        ...(d.bias ? { bias: engine.tensor(d.bias, [c.v]) } : {}),
      });
    const expected = Math.min(c.v, c.k);
    return [
      {
        kernel: 'nearest top-k ids',
        sizes: label(c, method),
        tolerance: 1e-5,
        async run(engine) {
          const d = data();
          const { queries, table, bias, reference } = d;
          const ids = await engine.tidy(() => search(engine, d).ids).read();
          const scoreOf = (q: number, row: number) => {
            let s = 0;
            let norm = 0;
            for (let j = 0; j < c.m; j++) {
              s += queries[q * c.m + j]! * table[row * c.m + j]!;
              norm += queries[q * c.m + j]! ** 2;
            }
            return (c.cosine ? s / Math.sqrt(norm) : s) + (bias?.[row] ?? 0);
          };
          const actual = Array.from(ids, (row, i) => (row < 0 ? NaN : scoreOf(Math.floor(i / c.k), row)));
          return { actual: actual.filter((_, i) => i % c.k < expected), reference: reference.scores.flat() };
        },
      },
      {
        kernel: 'nearest top-k scores',
        sizes: label(c, method),
        tolerance: 1e-5,
        async run(engine) {
          const d = data();
          const scores = await engine.tidy(() => search(engine, d).scores).read();
          return {
            actual: Array.from(scores).filter((_, i) => i % c.k < expected),
            reference: d.reference.scores.flat(),
          };
        },
      },
    ];
  }),
);
