// Random target tables (Tokarchuk & Niculae, arXiv 2310.20620; methods.md "Random target
// embeddings"): fixed random unit rows in place of pretrained ones, and a mix of the two. Row w is
// drawn from the stream keyed by (seed, w) alone, so a word's row does not depend on the vocabulary
// size, and portableRandom.ts makes every engine draw the same bits: a shared link rebuilds the table
// exactly.
// Shape legend: V vocabulary, m dimension.
import { keyedBits, keyedNormals } from '../math/portableRandom';

export type RandomTableKind = 'random-sphere' | 'random-hypercube';

/** Scales `values` to unit length into row `row` of `into` (float64 sum, then rounded to float32). */
function storeUnitRow(values: Float64Array, into: Float32Array, row: number): void {
  let sq = 0;
  for (const v of values) sq += v * v;
  const scale = 1 / Math.sqrt(sq);
  into.set(
    values.map((v) => v * scale),
    row * values.length,
  );
}

/** e(w) = g/‖g‖ with g ~ N(0, I_m): exactly uniform on the unit sphere. */
function sphereRow(seed: number, word: number, m: number, into: Float32Array): void {
  const normal = keyedNormals(seed, word);
  storeUnitRow(
    Float64Array.from({ length: m }, () => normal()),
    into,
    word,
  );
}

/** e(w) = s/√m with s uniform on {−1, +1}^m: a corner of the cube, uniform among its 2^m corners. */
function hypercubeRow(seed: number, word: number, m: number, into: Float32Array): void {
  const bit = keyedBits(seed, word);
  const coordinate = 1 / Math.sqrt(m);
  for (let j = 0; j < m; j++) into[word * m + j] = bit() ? coordinate : -coordinate;
}

/** A [V×m] table of unit rows of the given kind, seeded by `seed`. */
export function randomTable(kind: RandomTableKind, vocab: number, m: number, seed: number): Float32Array {
  const table = new Float32Array(vocab * m);
  const drawRow = kind === 'random-sphere' ? sphereRow : hypercubeRow;
  for (let word = 0; word < vocab; word++) drawRow(seed, word, m, table);
  return table;
}

/**
 * Row by row, normalize(α·pretrained + (1 − α)·random); a row zero in both (PAD, BOS) stays zero.
 * At α = 1 or 0 the result is that table exactly, not a renormalised copy whose last bits may move.
 */
export function mixTables(pretrained: Float32Array, random: Float32Array, m: number, alpha: number): Float32Array {
  if (pretrained.length !== random.length)
    throw new Error(`Cannot mix tables of ${pretrained.length} and ${random.length} values`);
  if (alpha === 1) return pretrained.slice();
  if (alpha === 0) return random.slice();
  const mixed = new Float32Array(pretrained.length);
  const row = new Float64Array(m);
  for (let word = 0; word * m < pretrained.length; word++) {
    for (let j = 0; j < m; j++) row[j] = alpha * pretrained[word * m + j]! + (1 - alpha) * random[word * m + j]!;
    if (row.some((v) => v !== 0)) storeUnitRow(row, mixed, word);
  }
  return mixed;
}
