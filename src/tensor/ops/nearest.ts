// Top-k rows of a table by dot product (or cosine) with each query, fused: no N×V score matrix.
// Shape legend: N queries, V table rows, m dimension. Not differentiable (decoding and negative search).
import { grid1d, type Engine } from '../engine';
import { describeShape, type Tensor } from '../tensor';

export const maxTopK = 32;
const tileRows = 1024; // TILE_ROWS in shaders/nearest.wgsl
const queriesPerGroup = 8; // QB

export interface TopK {
  /** i32 [N, k]; −1 where the table has fewer than k rows. */
  ids: Tensor;
  /** f32 [N, k], best first; ties are ordered by lower id. */
  scores: Tensor;
}

/**
 * For each query row, the k table rows with the highest query·row (+ bias[row]: a softmax head's
 * logits), or cosine with `cosine` for a table of unit rows. Cost: one pass over the table per 8 queries, plus a merge over V/1024 tiles.
 */
export function topKByDot(engine: Engine, queries: Tensor, table: Tensor, k: number, { cosine = false, bias }: { cosine?: boolean; bias?: Tensor } = {}): TopK {
  const [n, m] = queries.shape as [number, number];
  const [v] = table.shape as [number];
  if (queries.rank !== 2 || table.rank !== 2 || table.shape[1] !== m) {
    throw new Error(`topKByDot expects queries [N,m] and table [V,m], got ${describeShape(queries.shape)} and ${describeShape(table.shape)}`);
  }
  if (!Number.isInteger(k) || k < 1 || k > maxTopK) throw new Error(`k must be an integer from 1 to ${maxTopK}, got ${k}`);
  if (bias && bias.size !== v) throw new Error(`topKByDot: bias has ${bias.size} values for ${v} table rows`);
  if (bias && cosine) throw new Error('topKByDot: a bias makes no sense with cosine scores');
  const tiles = Math.max(1, Math.ceil(v / tileRows));
  const uniforms = [{ u32: n }, { u32: v }, { u32: m }, { u32: k }, { u32: tiles }, { u32: cosine ? 1 : 0 }, { u32: bias ? 1 : 0 }];
  const partialScores = engine.empty([n, tiles, k], 'f32', 'topk-partial-scores');
  const partialIds = engine.empty([n, tiles, k], 'i32', 'topk-partial-ids');
  engine.run({
    shader: 'nearest',
    entry: 'topk_tiles_main',
    uniforms,
    // Without a bias any f32 buffer fills the binding; the kernel does not read it.
    buffers: [queries, table, partialScores, partialIds, bias ?? table],
    workgroups: [Math.ceil(n / queriesPerGroup), tiles],
    label: 'topk.tiles',
  });
  const scores = engine.empty([n, k], 'f32', 'topk-scores');
  const ids = engine.empty([n, k], 'i32', 'topk-ids');
  engine.run({
    shader: 'nearest',
    entry: 'merge_main',
    uniforms,
    buffers: [queries, partialScores, partialIds, scores, ids],
    workgroups: grid1d(n, 64),
    label: 'topk.merge',
  });
  partialScores.release();
  partialIds.release();
  return { ids, scores };
}

/** The k largest entries of each row of x [N, V], best first, ties to the lower column; O(k·V) per row. */
export function topKRows(engine: Engine, x: Tensor, k: number): TopK {
  if (x.rank !== 2 || x.dtype !== 'f32') throw new Error(`topKRows expects f32 [N, V], got ${x}`);
  if (!Number.isInteger(k) || k < 1 || k > maxTopK) throw new Error(`k must be an integer from 1 to ${maxTopK}, got ${k}`);
  const [n, v] = x.shape as [number, number];
  const scores = engine.empty([n, k], 'f32', 'topk-scores');
  const ids = engine.empty([n, k], 'i32', 'topk-ids');
  engine.run({
    shader: 'nearest',
    entry: 'topk_rows_main',
    uniforms: [n, v, 0, k, 0, 0, 0].map((u32) => ({ u32 })),
    buffers: [x, scores, ids],
    workgroups: grid1d(n, 64),
    label: 'topk.rows',
  });
  return { ids, scores };
}
