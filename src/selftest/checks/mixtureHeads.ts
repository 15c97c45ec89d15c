// The softmax-bottleneck heads (PLIF, mixture of softmaxes) and the ops MoS added (row
// log-sum-exp, row top-k), against float64 references computed from the heads' own parameters.
import type { Head, HeadSpec } from '../../heads';
import { randomArray } from '../../math/random';
import { mosLogProbabilities } from '../../math/reference/mos';
import { plifForward } from '../../math/reference/plif';
import type { Engine } from '../../tensor/engine';
import { topKRows } from '../../tensor/ops/nearest';
import { logSumExpRows } from '../../tensor/ops/reduce';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';
import { headHidden, headShapes, headTargets, linearOutputs, makeHead } from './heads';

const { N, d, V } = headShapes;
const plifSpec: HeadSpec = { kind: 'plif', pieces: 1000, range: 20 };
const mosSpec: HeadSpec = { kind: 'mos', components: 3 };

/** log p(y) [N, V] of a PLIF or MoS head in float64, from its parameters (in `parameters()` order). */
async function referenceLogProbabilities(spec: HeadSpec, head: Head): Promise<Float64Array> {
  const parameters = head.parameters();
  if (spec.kind === 'mos') {
    const [prior, latent, latentBias, weight, bias] = await Promise.all(parameters.map((p) => p.read()));
    return mosLogProbabilities(headHidden, N, d, spec.components!, V, {
      prior: prior!,
      latent: latent!,
      latentBias: latentBias!,
      weight: weight!,
      bias: bias!,
    });
  }
  if (spec.kind !== 'plif') throw new Error(`No reference here for the ${spec.kind} head`);
  const logits = await linearOutputs(parameters.slice(0, 2), headHidden, N, d);
  const f = plifForward(logits, await parameters[2]!.read(), { pieces: spec.pieces!, range: spec.range! });
  for (let r = 0; r < N; r++) {
    const row = f.subarray(r * V, (r + 1) * V);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    for (let y = 0; y < V; y++) row[y]! -= lse;
  }
  return f;
}

/** Column indices of each row's k largest values, ties to the lower index. */
function topKReference(x: ArrayLike<number>, rows: number, width: number, k: number): number[] {
  return Array.from({ length: rows }, (_, r) =>
    [...Array(width).keys()].sort((a, b) => x[r * width + b]! - x[r * width + a]! || a - b).slice(0, k),
  ).flat();
}

function headChecksOf(spec: HeadSpec, sizes: string): KernelCheck[] {
  const withHead = async <T>(engine: Engine, fn: (h: ReturnType<typeof makeHead>) => Promise<T>) => {
    const made = makeHead(engine, spec);
    // MoS's latent bias starts at 0: non-zero values let the reference check where it enters.
    const latentBias = made.head.parameters().find((p) => p.label === 'mos.latent.bias');
    if (latentBias)
      engine.device.queue.writeBuffer(
        latentBias.buffer,
        0,
        Float32Array.from(randomArray(latentBias.size, 11, -0.5, 0.5)),
      );
    try {
      return await fn(made);
    } finally {
      made.head.release();
    }
  };
  return [
    {
      kernel: `head ${spec.kind} loss`,
      sizes,
      tolerance: 1e-4,
      run: (engine) =>
        withHead(engine, async ({ head, hidden, targets }) => {
          const actual = await engine.tidy(() => head.loss(hidden, targets)).read();
          const logp = await referenceLogProbabilities(spec, head);
          return { actual, reference: Array.from(headTargets, (t, r) => (t < 0 ? 0 : -logp[r * V + t]!)) };
        }),
    },
    {
      kernel: `head ${spec.kind} decode top-3`,
      sizes,
      tolerance: 0,
      run: (engine) =>
        withHead(engine, async ({ head, hidden }) => {
          const ids = await engine.tidy(() => head.decode(hidden, 3).ids).read();
          return { actual: ids, reference: topKReference(await referenceLogProbabilities(spec, head), N, V, 3) };
        }),
    },
  ];
}

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
      const best = topKReference(x, rows, width, kept);
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
  gradientCheck('logSumExpRows', '5×7', [{ data: lseInput, shape: [5, 7] }], () => ({ f: ([x]) => logSumExpRows(x!) })),
  topKRowsCheck(1, 1, 3),
  topKRowsCheck(17, 33, 5),
  topKRowsCheck(3, 1000, 32),
  ...headChecksOf(plifSpec, `N=${N} d=${d} V=${V} K=1000`),
  ...headChecksOf(mosSpec, `N=${N} d=${d} V=${V} K=3`),
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
