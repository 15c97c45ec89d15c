// Embedding lookup. Shapes: V table rows, d columns, ids of any shape S with N = |S| positions.
// Ids come from the CPU (data batches), so the inverse map the backward needs (for each used row,
// the positions that read it) is built on the CPU at upload time instead of sorting on the GPU.
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import { describeShape, sizeOf, type Shape, type Tensor } from '../tensor';
import { grid1d } from '../workgroups';

/**
 * Token ids on the GPU plus their inverse in CSR form: `uniqueRows[u]` is used by the positions
 * `positions[offsets[u] .. offsets[u+1])`, rows ascending and positions ascending within a row.
 * Negative ids are padding: they gather zeros and appear in no row's list.
 */
export interface IndexTensor {
  ids: Tensor;
  /** Number of rows of the table the ids index (V). */
  rows: number;
  uniqueRows: Tensor;
  offsets: Tensor;
  positions: Tensor;
}

/** The inverse of `ids` by counting sort: O(N + V), deterministic order. */
export function invertIndices(
  ids: Int32Array,
  rows: number,
): { uniqueRows: Uint32Array; offsets: Uint32Array; positions: Uint32Array } {
  const counts = new Uint32Array(rows);
  for (let p = 0; p < ids.length; p++) {
    const id = ids[p]!;
    if (id >= rows)
      throw new Error(`Embedding id ${id} at position ${p} is out of range for a table of V=${rows} rows`);
    if (id >= 0) counts[id]++;
  }
  const uniqueRows: number[] = [];
  const offsets: number[] = [0];
  const start = new Uint32Array(rows);
  for (let row = 0; row < rows; row++) {
    if (counts[row] === 0) continue;
    start[row] = offsets.at(-1)!;
    uniqueRows.push(row);
    offsets.push(start[row]! + counts[row]!);
  }
  const positions = new Uint32Array(offsets.at(-1)!);
  for (let p = 0; p < ids.length; p++) {
    const id = ids[p]!;
    if (id >= 0) positions[start[id]!++] = p;
  }
  return { uniqueRows: Uint32Array.from(uniqueRows), offsets: Uint32Array.from(offsets), positions };
}

/** Validates and uploads ids for a table of `rows` rows; throws naming the first out-of-range id. */
export function uploadIndices(engine: Engine, ids: Int32Array, shape: Shape, rows: number, label = 'ids'): IndexTensor {
  if (ids.length !== sizeOf(shape)) throw new Error(`${ids.length} ids do not fill shape ${describeShape(shape)}`);
  const inverse = invertIndices(ids, rows);
  const unique = inverse.uniqueRows.length;
  return {
    ids: engine.tensor(ids, shape, 'i32', label),
    rows,
    uniqueRows: engine.tensor(inverse.uniqueRows, [unique], 'u32', `${label}.rows`),
    offsets: engine.tensor(inverse.offsets, [unique + 1], 'u32', `${label}.offsets`),
    positions: engine.tensor(inverse.positions, [inverse.positions.length], 'u32', `${label}.positions`),
  };
}

type EmbeddingSaved = { index: IndexTensor; width: number; scale: number };

const embeddingOp: Op<[Tensor, IndexTensor, number], EmbeddingSaved> = {
  name: 'embedding',
  forward(engine, table, index, scale) {
    if (table.rank !== 2 || table.dtype !== 'f32') throw new Error(`Embedding table must be f32 [V×d], got ${table}`);
    if (table.shape[0] !== index.rows) {
      throw new Error(`Ids were validated for V=${index.rows} rows but the table ${table} has ${table.shape[0]}`);
    }
    const width = table.shape[1]!;
    const out = engine.empty([...index.ids.shape, width], 'f32', 'embedding');
    engine.run({
      shader: 'embedding',
      entry: 'gather_main',
      uniforms: { n: out.size, d: width, scale },
      bindings: { gather_table: table, gather_ids: index.ids, gather_out: out },
      workgroups: grid1d(out.size),
      label: 'embedding',
    });
    return { out, saved: { index, width, scale } };
  },
  backward(engine, gradOut, { index, width, scale }) {
    const gradTable = engine.empty([index.rows, width], 'f32', 'dembedding');
    engine.recorder.clearBuffer(gradTable.buffer, 0, gradTable.bytes);
    const owned = index.uniqueRows.size * width;
    engine.run({
      shader: 'embedding',
      entry: 'scatter_main',
      uniforms: { n: owned, d: width, scale },
      bindings: {
        scatter_grad_out: gradOut,
        scatter_rows: index.uniqueRows,
        scatter_offsets: index.offsets,
        scatter_positions: index.positions,
        scatter_grad_table: gradTable,
      },
      workgroups: grid1d(owned),
      label: 'embedding.backward',
    });
    return [gradTable];
  },
};

export const embeddingOps = { embedding: embeddingOp };

/** Rows of `table` [V×d] picked by `index`, times `scale`: shape [...ids.shape, d]; padding ids give zero rows. */
export const embedding = (table: Tensor, index: IndexTensor, scale = 1) => apply(embeddingOp, table, index, scale);
