import { mulberry32, randomArray } from '../../math/random';
import { embeddingGather, embeddingScatterAdd } from '../../math/reference/embedding';
import type { Engine } from '../../tensor/engine';
import { embedding, uploadIndices } from '../../tensor/ops/embedding';
import type { Shape } from '../../tensor/tensor';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';

/** Ids in [-1, V): repeats are likely, and -1 (padding) shows up about once in eight positions. */
function randomIds(count: number, rows: number, seed: number): Int32Array {
  const uniform = mulberry32(seed);
  return Int32Array.from({ length: count }, () => (uniform() < 0.125 ? -1 : Math.floor(uniform() * rows)));
}

export interface EmbeddingCase {
  rows: number;
  width: number;
  idsShape: Shape;
  /** Multiplies the rows (and so the table's gradient); default 1. */
  scale?: number;
}

/** Forward and backward of one lookup on the GPU: the gathered rows and the table gradient. */
export async function embeddingOnGpu(
  engine: Engine,
  { rows, width, idsShape, scale = 1 }: EmbeddingCase,
  seed: number,
) {
  const count = idsShape.reduce((a, b) => a * b, 1);
  const ids = randomIds(count, rows, seed);
  const table = Float32Array.from(randomArray(rows * width, seed + 1));
  const gradOut = Float32Array.from(randomArray(count * width, seed + 2));
  const [out, gradTable] = engine.tidy(() => {
    const t = engine.tensor(table, [rows, width], 'f32', 'table');
    t.requiresGrad = true;
    const y = embedding(t, uploadIndices(engine, ids, idsShape, rows), scale);
    engine.backward(y, engine.tensor(gradOut, y.shape, 'f32', 'grad_out'));
    return [y, t.grad!];
  });
  const pending = Promise.all([engine.readLater(out), engine.readLater(gradTable)]);
  engine.flush();
  const [outData, gradData] = await pending;
  out.release();
  gradTable.release();
  return { ids, table, gradOut, out: outData, gradTable: gradData, outShape: out.shape };
}

const cases: EmbeddingCase[] = [
  { rows: 1, width: 1, idsShape: [1] },
  { rows: 3, width: 17, idsShape: [5] },
  { rows: 17, width: 33, idsShape: [3, 5] },
  { rows: 65, width: 65, idsShape: [33] },
  { rows: 257, width: 3, idsShape: [2, 3, 11] },
  // A transformer's input embedding: rows times √d.
  { rows: 17, width: 33, idsShape: [3, 5], scale: Math.sqrt(33) },
];

const describe = ({ rows, width, idsShape, scale }: EmbeddingCase) =>
  `V=${rows} d=${width} ids[${idsShape.join('×')}]${scale === undefined ? '' : ` scale ${scale.toFixed(3)}`}`;
const scaled = (values: ArrayLike<number>, scale = 1) => Array.from(values, (v) => v * scale);

const kernelChecks: KernelCheck[] = cases.flatMap((c, i): KernelCheck[] => [
  {
    kernel: 'embedding gather',
    sizes: describe(c),
    // A copy is exact; a scaled copy rounds once.
    tolerance: c.scale === undefined ? 0 : 1e-6,
    async run(engine) {
      const r = await embeddingOnGpu(engine, c, 100 + i);
      return { actual: r.out, reference: scaled(embeddingGather(r.table, r.ids, c.width), c.scale) };
    },
  },
  {
    kernel: 'embedding scatter-add (backward)',
    sizes: describe(c),
    tolerance: 1e-6,
    async run(engine) {
      const r = await embeddingOnGpu(engine, c, 200 + i);
      return {
        actual: r.gradTable,
        reference: scaled(embeddingScatterAdd(r.gradOut, r.ids, c.rows, c.width), c.scale),
      };
    },
  },
]);

const gradientIds = randomIds(3 * 5, 7, 31);

/** ∂/∂table by finite differences, through padding and repeated ids, with a scale. */
const tableGradientCheck = gradientCheck(
  'embedding',
  'V=7 d=4 ids [3×5] scale 2.5',
  [{ data: Float32Array.from(randomArray(7 * 4, 32)), shape: [7, 4] }],
  (engine) => ({ f: ([table]) => embedding(table!, uploadIndices(engine, gradientIds, [3, 5], 7), 2.5) }),
  { differentiates: ['embedding'] },
);

export const embeddingChecks: KernelCheck[] = [...kernelChecks, tableGradientCheck];
