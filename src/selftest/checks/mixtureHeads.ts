// The ops MoS added (row log-sum-exp, row top-k) against float64 references, and MoS's gradient
// into the hidden states by finite differences (its loss and decoding are checked with every head's,
// in heads.ts).
import type { HeadSpec } from '../../heads';
import { topKOfRows } from '../../math/reference/linear';
import { randomArray } from '../../math/random';
import { topKRows } from '../../tensor/ops/nearest';
import { logSumExpRows } from '../../tensor/ops/reduce';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';
import { headHidden, headShapes, makeHead } from './heads';

const { N, d, V } = headShapes;
const mosSpec: HeadSpec = { kind: 'mos', components: 3 };

const lseShapes: [number, number][] = [
  [1, 1],
  [3, 17],
  [17, 33],
  [2, 300],
];

function lseCheck([rows, width]: [number, number], skip: boolean): KernelCheck {
  return {
    kernel: 'logSumExpRows',
    sizes: `${rows}×${width}${skip ? ' skipping rows with a negative id' : ''}`,
    tolerance: 1e-5,
    async run(engine) {
      const x = Float32Array.from(randomArray(rows * width, rows + width, -30, 30));
      const ids = Int32Array.from({ length: rows }, (_, r) => (r % 3 === 1 ? -1 : r));
      const actual = await engine
        .tidy(() =>
          logSumExpRows(engine.tensor(x, [rows, width]), skip ? engine.tensor(ids, [rows], 'i32') : undefined),
        )
        .read();
      const reference = Array.from({ length: rows }, (_, r) => {
        if (skip && ids[r]! < 0) return 0;
        const row = Array.from(x.subarray(r * width, (r + 1) * width));
        const max = Math.max(...row);
        return max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      });
      return { actual, reference };
    },
  };
}

function topKRowsCheck(rows: number, width: number, k: number): KernelCheck {
  return {
    kernel: 'topKRows',
    sizes: `${rows}×${width} k=${k}`,
    tolerance: 0,
    async run(engine) {
      // Quantized values, so rows hold ties that must go to the lower column.
      const x = Float32Array.from(randomArray(rows * width, width, -2, 2), (v) => Math.round(4 * v) / 4);
      const ids = await engine.tidy(() => topKRows(engine, engine.tensor(x, [rows, width]), k).ids).read();
      // A row shorter than k ends in −1 ids.
      const kept = Math.min(k, width);
      const best = topKOfRows(x, rows, width, kept);
      const reference = Array.from({ length: rows }, (_, r) => [
        ...best.slice(r * kept, (r + 1) * kept),
        ...Array<number>(k - kept).fill(-1),
      ]).flat();
      return { actual: ids, reference };
    },
  };
}

const lseInput = Float32Array.from(randomArray(5 * 7, 3, -3, 3));

export const mixtureHeadChecks: KernelCheck[] = [
  ...lseShapes.flatMap((shape) => [lseCheck(shape, false), lseCheck(shape, true)]),
  gradientCheck(
    'logSumExpRows',
    '5×7',
    [{ data: lseInput, shape: [5, 7] }],
    () => ({ f: ([x]) => logSumExpRows(x!) }),
    {
      differentiates: ['logSumExpRows'],
    },
  ),
  topKRowsCheck(1, 1, 3),
  topKRowsCheck(17, 33, 5),
  topKRowsCheck(3, 1000, 32),
  gradientCheck(
    'head mos',
    `N=${N} d=${d} V=${V} K=3`,
    [{ data: headHidden, shape: [N, d] }],
    (engine) => {
      const { head, targets } = makeHead(engine, mosSpec);
      return { f: ([x]) => head.loss(x!, targets), release: () => head.release() };
      // Seven ops deep in f32: the bound the other heads' hidden-state checks use (test/gpu/heads.test.ts).
    },
    { tolerance: 3e-3 },
  ),
];
