// Top-k rows of a table by dot product (or cosine) with each query, for decoding and negative
// search. Shape legend: N queries, V table rows, m dimension. Not differentiable.
// Two methods give the same ids: `fused` scores and selects in one kernel and never writes the N×V
// scores; `matmul` writes them in chunks of query rows through the engine's matmul kernel, then
// selects. Which is faster depends on the adapter (on SwiftShader the matmul route wins by an order
// of magnitude), so `topKTunable` lets tuning.ts time them once per adapter.
import { shaderSource } from '#shader-sources';
import { shaderConstant } from '../../gpu';
import type { Engine } from '../engine';
import { describeShape, type Tensor } from '../tensor';
import { medianSubmitMs } from '../timing';
import { currentChoice, hashSources, type Tunable } from '../tuning';
import { grid1d } from '../workgroups';
import { matmul } from './matmul';
import { matmulTunable } from './matmulVariants';
import { concat, slice } from './shape';

export const maxTopK = shaderConstant('nearest', 'KMAX');
const tileRows = shaderConstant('nearest', 'TILE_ROWS');
const scoreTile = shaderConstant('nearest', 'SCORE_TILE');
const queriesPerGroup = shaderConstant('nearest', 'QB');

export type TopKMethod = 'fused' | 'matmul';
export const topKMethods = ['fused', 'matmul'] as const satisfies readonly TopKMethod[];

export interface TopK {
  /** i32 [N, k]; −1 where the table has fewer than k rows. */
  ids: Tensor;
  /** f32 [N, k], best first; ties are ordered by lower id. */
  scores: Tensor;
}

export interface TopKOptions {
  /** Scores are cosines: the table rows are unit, the query norms divided out. */
  cosine?: boolean;
  /** Added to each row's score: a softmax head's logits are h·Wᵀ + b. */
  bias?: Tensor;
  /** Overrides the engine's tuned choice (tests, benchmarks). */
  method?: TopKMethod;
  /**
   * Largest score matrix the matmul method writes at once (within the binding limit); more queries are searched in
   * chunks.
   */
  scoreChunkBytes?: number;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > maxTopK)
    throw new Error(`k must be an integer from 1 to ${maxTopK}, got ${k}`);
}

const params = (n: number, v: number, m: number, k: number, tiles: number, cosine: boolean, bias: boolean) => ({
  n,
  v,
  m,
  k,
  tiles,
  cosine: cosine ? 1 : 0,
  has_bias: bias ? 1 : 0,
});

/** Pass 2: each query's best k over its tiles' partial lists (scaled by 1/‖query‖ for cosine). */
function mergeTiles(
  engine: Engine,
  queries: Tensor,
  partialScores: Tensor,
  partialIds: Tensor,
  uniforms: ReturnType<typeof params>,
  n: number,
  k: number,
): TopK {
  const scores = engine.empty([n, k], 'f32', 'topk-scores');
  const ids = engine.empty([n, k], 'i32', 'topk-ids');
  engine.run({
    shader: 'nearest',
    entry: 'merge_main',
    uniforms,
    bindings: { queries, merge_scores: partialScores, merge_ids: partialIds, out_scores: scores, out_ids: ids },
    workgroups: grid1d(n, 64),
    label: 'topk.merge',
  });
  partialScores.release();
  partialIds.release();
  return { ids, scores };
}

/** Top-k of each row of a score matrix [N, V] (+ bias), its norms taken from `queries` when cosine. */
function topKOfScores(engine: Engine, x: Tensor, k: number, queries: Tensor, cosine: boolean, bias?: Tensor): TopK {
  const [n, v] = x.shape as [number, number];
  const tiles = Math.max(1, Math.ceil(v / scoreTile));
  const uniforms = params(n, v, queries.shape[1] ?? 0, k, tiles, cosine, bias !== undefined);
  const partialScores = engine.empty([n, tiles, k], 'f32', 'topk-partial-scores');
  const partialIds = engine.empty([n, tiles, k], 'i32', 'topk-partial-ids');
  engine.run({
    shader: 'nearest',
    entry: 'topk_scores_main',
    uniforms,
    bindings: { score_rows: x, score_partial_scores: partialScores, score_partial_ids: partialIds, score_bias: bias },
    workgroups: grid1d(n * tiles, 64),
    label: 'topk.scores',
  });
  return mergeTiles(engine, queries, partialScores, partialIds, uniforms, n, k);
}

function fusedTopK(engine: Engine, queries: Tensor, table: Tensor, k: number, cosine: boolean, bias?: Tensor): TopK {
  const [n, m] = queries.shape as [number, number];
  const [v] = table.shape as [number];
  const tiles = Math.max(1, Math.ceil(v / tileRows));
  const uniforms = params(n, v, m, k, tiles, cosine, bias !== undefined);
  const partialScores = engine.empty([n, tiles, k], 'f32', 'topk-partial-scores');
  const partialIds = engine.empty([n, tiles, k], 'i32', 'topk-partial-ids');
  engine.run({
    shader: 'nearest',
    entry: 'topk_tiles_main',
    uniforms,
    bindings: { queries, table, partial_scores: partialScores, partial_ids: partialIds, bias },
    workgroups: [Math.ceil(n / queriesPerGroup), tiles],
    label: 'topk.tiles',
  });
  return mergeTiles(engine, queries, partialScores, partialIds, uniforms, n, k);
}

function matmulTopK(
  engine: Engine,
  queries: Tensor,
  table: Tensor,
  k: number,
  cosine: boolean,
  bias: Tensor | undefined,
  chunkBytes: number,
): TopK {
  const [n] = queries.shape as [number];
  const [v] = table.shape as [number];
  const chunk = Math.max(1, Math.floor(Math.min(chunkBytes, engine.limits.maxStorageBufferBindingSize) / (4 * v)));
  const search = (rows: Tensor) => {
    const scores = matmul(rows, table, { transposeB: true });
    const found = topKOfScores(engine, scores, k, rows, cosine, bias);
    scores.release();
    return found;
  };
  if (n <= chunk) return search(queries);
  const parts: TopK[] = [];
  for (let start = 0; start < n; start += chunk) {
    const rows = slice(queries, 0, start, Math.min(chunk, n - start));
    parts.push(search(rows));
    rows.release();
  }
  const joined = {
    ids: concat(
      parts.map((p) => p.ids),
      0,
    ),
    scores: concat(
      parts.map((p) => p.scores),
      0,
    ),
  };
  for (const p of parts) {
    p.ids.release();
    p.scores.release();
  }
  return joined;
}

/**
 * For each query row, the k table rows with the highest query·row (+ bias[row]: a softmax head's
 * logits), or cosine with `cosine` for a table of unit rows, by the engine's tuned method.
 */
export function topKByDot(
  engine: Engine,
  queries: Tensor,
  table: Tensor,
  k: number,
  { cosine = false, bias, method, scoreChunkBytes = 32 * 2 ** 20 }: TopKOptions = {},
): TopK {
  const [, m] = queries.shape as [number, number];
  const [v] = table.shape as [number];
  if (queries.rank !== 2 || table.rank !== 2 || table.shape[1] !== m) {
    throw new Error(
      `topKByDot expects queries [N,m] and table [V,m], got ${describeShape(queries.shape)} and ${describeShape(table.shape)}`,
    );
  }
  checkK(k);
  if (bias && bias.size !== v) throw new Error(`topKByDot: bias has ${bias.size} values for ${v} table rows`);
  if (bias && cosine) throw new Error('topKByDot: a bias makes no sense with cosine scores');
  const fused = (method ?? currentChoice(engine, topKTunable).choice) === 'fused';
  return engine.withoutGradients(() =>
    fused
      ? fusedTopK(engine, queries, table, k, cosine, bias)
      : matmulTopK(engine, queries, table, k, cosine, bias, scoreChunkBytes),
  );
}

/** The k largest entries of each row of x [N, V], best first, ties to the lower column. */
export function topKRows(engine: Engine, x: Tensor, k: number): TopK {
  if (x.rank !== 2 || x.dtype !== 'f32') throw new Error(`topKRows expects f32 [N, V], got ${x}`);
  checkK(k);
  return topKOfScores(engine, x, k, x, false);
}

/** Decoding's shape: a batch of queries against a vocabulary of embeddings, top-5. */
const timed = { n: 64, v: 8192, m: 128, k: 5 };

/** Whether the fused search beats matmul + top-k on this adapter. */
export const topKTunable: Tunable<TopKMethod> = {
  name: 'top-k search',
  candidates: topKMethods,
  // The matmul route runs the matmul kernels: a change to them times this choice again too.
  version: () => `nearest-${hashSources([shaderSource('nearest'), matmulTunable.version()])}`,
  adapterDefault: () => 'matmul',
  workload: `${timed.n} queries × ${timed.v} rows of ${timed.m}, top-${timed.k}`,
  async time(engine, method, { giveUpAboveMs }) {
    // Scores spread like real ones, so the selection does its usual work (constant data would tie everywhere).
    const values = (count: number, phase: number) =>
      Float32Array.from({ length: count }, (_, i) => Math.sin(i * 12.9898 + phase));
    const queries = engine.tensor(values(timed.n * timed.m, 1), [timed.n, timed.m], 'f32', 'tune-queries');
    const table = engine.tensor(values(timed.v * timed.m, 2), [timed.v, timed.m], 'f32', 'tune-table');
    try {
      return await medianSubmitMs(
        engine,
        () => engine.tidy(() => void topKByDot(engine, queries, table, timed.k, { method })),
        3,
        { giveUpAboveMs },
      );
    } finally {
      queries.release();
      table.release();
    }
  },
};
