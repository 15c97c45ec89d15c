// Top-k of query·table scores (nearest-neighbour decoding, max-margin negatives) without ever
// writing the N×V score matrix. Shape legend: N queries, V table rows, m dimension, k ≤ 32.
// Pass 1 (topk_tiles_main): a workgroup scores QB queries against one tile of TILE_ROWS table rows,
//   SUB rows at a time (each invocation a QB×RPT register block), and keeps each query's top-k of the
//   tile; it writes [N, tiles, k] partial lists.
// Pass 2 (merge_main): one invocation per query merges its tiles' lists by k selection rounds.
// It skips NO_ID entries: the unfilled places of a tile with fewer than k rows.
// Order: higher score first, ties to the lower row id, so results are deterministic and match a brute force.
//
// topk_tiles_main  @0 uniform Params  @1 queries f32[N,m]  @2 table f32[V,m]  @3 partial_scores f32[N,tiles,k]  @4 partial_ids i32[N,tiles,k]  @5 bias f32[V] (read when has_bias = 1: score = q·e_j + bias_j, a softmax head's logits)
// merge_main       @0 uniform Params  @1 queries  @2 partial_scores  @3 partial_ids  @4 scores f32[N,k]  @5 ids i32[N,k]
// With `cosine` set, merge_main divides scores by ‖query‖ (the table rows are unit).
// topk_scores_main @0 uniform Params  @1 scores f32[N,V]  @2 partial_scores f32[N,tiles,k]  @3 partial_ids i32[N,tiles,k]  @4 bias f32[V] (read when has_bias = 1)
//   pass 1 over a score matrix that already exists (matmul + top-k, a mixture of softmaxes'
//   probabilities): one invocation per (row, SCORE_TILE columns) keeps that stretch's top-k; merge_main follows.
// use: lib/grid

struct Params {
  n: u32,
  v: u32,
  m: u32,
  k: u32,
  tiles: u32,
  cosine: u32,
  has_bias: u32,
}

const QB: u32 = 8u;
const WG: u32 = 64u;
const RPT: u32 = 4u;
const SUB: u32 = 256u; // WG * RPT
const TILE_ROWS: u32 = 1024u;
const SCORE_TILE: u32 = 256u;
const KMAX: u32 = 32u;
const NO_ID: i32 = 2147483647;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> queries: array<f32>;

var<workgroup> tile_scores: array<f32, 2048>; // QB * SUB

fn better(score_a: f32, id_a: i32, score_b: f32, id_b: i32) -> bool {
  return score_a > score_b || (score_a == score_b && id_a < id_b);
}

// Puts (s, id) in place in a best-first list of k that s beats the last entry of. Callers offer ids
// in increasing order, so a strict comparison keeps the lower id first on ties.
fn insert_sorted(scores: ptr<function, array<f32, KMAX>>, ids: ptr<function, array<i32, KMAX>>, k: u32, s: f32, id: i32) {
  var pos = k - 1u;
  while (pos > 0u && s > (*scores)[pos - 1u]) {
    (*scores)[pos] = (*scores)[pos - 1u];
    (*ids)[pos] = (*ids)[pos - 1u];
    pos--;
  }
  (*scores)[pos] = s;
  (*ids)[pos] = id;
}

@group(0) @binding(2) var<storage, read> table: array<f32>;
@group(0) @binding(3) var<storage, read_write> partial_scores: array<f32>;
@group(0) @binding(4) var<storage, read_write> partial_ids: array<i32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>; // optional: used only when has_bias = 1

@compute @workgroup_size(64)
fn topk_tiles_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let query_base = wid.x * QB;
  let tile = wid.y;
  var best_scores: array<f32, KMAX>;
  var best_ids: array<i32, KMAX>;
  for (var i = 0u; i < KMAX; i++) { best_scores[i] = -3.4e38; best_ids[i] = NO_ID; }

  for (var sub = 0u; sub < TILE_ROWS / SUB; sub++) {
    let row0 = tile * TILE_ROWS + sub * SUB;
    var acc = array<array<f32, 4>, 8>(); // [QB][RPT], explicitly zeroed for every sub-tile
    for (var j = 0u; j < p.m; j++) {
      var e: array<f32, 4>;
      for (var r = 0u; r < RPT; r++) {
        let row = row0 + lid + r * WG;
        e[r] = select(0.0, table[min(row, p.v - 1u) * p.m + j], row < p.v);
      }
      for (var qi = 0u; qi < QB; qi++) {
        let q = queries[min(query_base + qi, p.n - 1u) * p.m + j];
        for (var r = 0u; r < RPT; r++) { acc[qi][r] += q * e[r]; }
      }
    }
    for (var qi = 0u; qi < QB; qi++) {
      for (var r = 0u; r < RPT; r++) {
        let row = row0 + lid + r * WG;
        let row_bias = select(0.0, bias[min(row, p.v - 1u)], p.has_bias == 1u);
        tile_scores[qi * SUB + lid + r * WG] = select(-3.4e38, acc[qi][r] + row_bias, row < p.v);
      }
    }
    workgroupBarrier();
    if (lid < QB) {
      for (var c = 0u; c < SUB; c++) {
        let row = row0 + c;
        let s = tile_scores[lid * SUB + c];
        if (row < p.v && s > best_scores[p.k - 1u]) { insert_sorted(&best_scores, &best_ids, p.k, s, i32(row)); }
      }
    }
    workgroupBarrier();
  }
  let query = query_base + lid;
  if (lid < QB && query < p.n) {
    let base = (query * p.tiles + tile) * p.k;
    for (var i = 0u; i < p.k; i++) {
      partial_scores[base + i] = best_scores[i];
      partial_ids[base + i] = best_ids[i];
    }
  }
}

@group(0) @binding(2) var<storage, read> merge_scores: array<f32>;
@group(0) @binding(3) var<storage, read> merge_ids: array<i32>;
@group(0) @binding(4) var<storage, read_write> out_scores: array<f32>;
@group(0) @binding(5) var<storage, read_write> out_ids: array<i32>;

@compute @workgroup_size(64)
fn merge_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
  let query = invocation_index(wid, nwg, lid, 64u);
  if (query >= p.n) { return; }
  var scale = 1.0;
  if (p.cosine == 1u) {
    var sq = 0.0;
    for (var j = 0u; j < p.m; j++) { let q = queries[query * p.m + j]; sq += q * q; }
    scale = 1.0 / max(sqrt(sq), 1e-30);
  }
  // Round r picks the best entry ranked strictly after round r−1's pick.
  var last_score = 3.4e38;
  var last_id = -1;
  for (var r = 0u; r < p.k; r++) {
    var pick_score = -3.4e38;
    var pick_id = NO_ID;
    for (var t = 0u; t < p.tiles; t++) {
      let base = (query * p.tiles + t) * p.k;
      for (var i = 0u; i < p.k; i++) {
        let s = merge_scores[base + i];
        let id = merge_ids[base + i];
        if (id != NO_ID && better(last_score, last_id, s, id)) {
          // Lists are sorted: this tile's first entry after the last pick is its only candidate.
          if (better(s, id, pick_score, pick_id)) {
            pick_score = s;
            pick_id = id;
          }
          break;
        }
      }
    }
    out_scores[query * p.k + r] = select(pick_score * scale, -3.4e38, pick_id == NO_ID);
    out_ids[query * p.k + r] = select(pick_id, -1, pick_id == NO_ID);
    last_score = pick_score;
    last_id = pick_id;
  }
}

@group(0) @binding(1) var<storage, read> score_rows: array<f32>;
@group(0) @binding(2) var<storage, read_write> score_partial_scores: array<f32>;
@group(0) @binding(3) var<storage, read_write> score_partial_ids: array<i32>;
@group(0) @binding(4) var<storage, read> score_bias: array<f32>; // optional: used only when has_bias = 1

@compute @workgroup_size(64)
fn topk_scores_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                    @builtin(local_invocation_index) lid: u32) {
  let slot = invocation_index(wid, nwg, lid, 64u);
  if (slot >= p.n * p.tiles) { return; }
  let row = slot / p.tiles;
  let tile = slot % p.tiles;
  var best_scores: array<f32, KMAX>;
  var best_ids: array<i32, KMAX>;
  for (var i = 0u; i < p.k; i++) { best_scores[i] = -3.4e38; best_ids[i] = NO_ID; }
  let first = tile * SCORE_TILE;
  let last = min(first + SCORE_TILE, p.v);
  for (var c = first; c < last; c++) {
    let s = score_rows[row * p.v + c] + select(0.0, score_bias[c], p.has_bias == 1u);
    if (s > best_scores[p.k - 1u]) { insert_sorted(&best_scores, &best_ids, p.k, s, i32(c)); }
  }
  let base = (row * p.tiles + tile) * p.k;
  for (var i = 0u; i < p.k; i++) {
    score_partial_scores[base + i] = best_scores[i];
    score_partial_ids[base + i] = best_ids[i];
  }
}
