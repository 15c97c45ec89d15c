// One target-embedding table for the whole vocabulary. Shipped vectors (GloVe) leave out some words
// of a task (single letters, numbers, contractions …); the in-app vectors cover every word of the
// task's text but live in their own space. A Procrustes map fitted on the words both have carries
// the in-app vectors of the missing words into the shipped space. Without shipped vectors (a
// user's own language) the in-app vectors are the table.
// Shape legend: V vocabulary, k in-app dimension, m shipped dimension (the table's).
import { normalSampler } from '../math/random';
import { applyProcrustes, fitProcrustes } from '../math/procrustes';
import type { InAppEmbeddings } from './ppmiSvd';

export interface PretrainedVectors {
  words: readonly string[];
  /** Row i is words[i]'s vector, [count×dimension] row-major. */
  vectors: ArrayLike<number>;
  dimension: number;
}

/** Where a table row came from. */
export const rowSources = { pretrained: 0, mapped: 1, inApp: 2, random: 3 } as const;

export interface FilledTable {
  /** Unit rows [V×dimension], row-major, in vocabulary order. */
  vectors: Float32Array;
  dimension: number;
  /** Per word, one of rowSources. */
  source: Uint8Array;
  /** Words with a shipped vector and an in-app one: the Procrustes fit's pairs. */
  sharedWords: number;
  /**
   * Mean cosine between mapped in-app vectors and the shipped ones over the shared words (NaN without shipped vectors).
   */
  fitCosine: number;
}

function unitCopy(
  from: ArrayLike<number>,
  offset: number,
  dimension: number,
  into: Float32Array,
  row: number,
): boolean {
  let sq = 0;
  for (let j = 0; j < dimension; j++) sq += from[offset + j]! ** 2;
  if (!(sq > 0)) return false;
  const scale = 1 / Math.sqrt(sq);
  for (let j = 0; j < dimension; j++) into[row * dimension + j] = from[offset + j]! * scale;
  return true;
}

/**
 * A word with neither a shipped vector nor any co-occurrence (a special token absent from the text)
 * still needs a unit row; a seeded Gaussian direction is nearly orthogonal to every other row, so
 * it neither attracts nor mimics other words, and it is the same on every run.
 */
function randomUnitRow(into: Float32Array, row: number, dimension: number, seed: number): void {
  const normal = normalSampler(seed * 65537 + row);
  const values = Float64Array.from({ length: dimension }, () => normal());
  unitCopy(values, 0, dimension, into, row);
}

/**
 * Every word of `vocabulary` gets a unit vector: its shipped one when `pretrained` has it, else its
 * in-app vector mapped into the shipped space; with no `pretrained`, its in-app vector.
 */
export function fillMissingVectors(
  vocabulary: readonly string[],
  inApp: InAppEmbeddings,
  pretrained?: PretrainedVectors,
  { seed = 1 } = {},
): FilledTable {
  const V = vocabulary.length;
  const k = inApp.dimension;
  if (inApp.vocabSize !== V)
    throw new Error(`In-app vectors cover ${inApp.vocabSize} words but the vocabulary has ${V}`);
  const dimension = pretrained?.dimension ?? k;
  const vectors = new Float32Array(V * dimension);
  const source = new Uint8Array(V);
  const hasInApp = (w: number) => inApp.vectors.subarray(w * k, (w + 1) * k).some((v) => v !== 0);

  if (!pretrained) {
    for (let w = 0; w < V; w++) {
      if (unitCopy(inApp.vectors, w * k, k, vectors, w)) source[w] = rowSources.inApp;
      else {
        randomUnitRow(vectors, w, dimension, seed);
        source[w] = rowSources.random;
      }
    }
    return { vectors, dimension, source, sharedWords: 0, fitCosine: NaN };
  }

  const rowOf = new Map(pretrained.words.map((word, i) => [word, i]));
  const shared: number[] = [];
  const missing: number[] = [];
  vocabulary.forEach((word, w) => {
    const row = rowOf.get(word);
    if (row !== undefined && unitCopy(pretrained.vectors, row * dimension, dimension, vectors, w)) {
      source[w] = rowSources.pretrained;
      if (hasInApp(w)) shared.push(w);
    } else missing.push(w);
  });
  if (shared.length === 0)
    throw new Error(
      'No word has both a pretrained and an in-app vector: the pretrained vectors (shipped or uploaded) cannot be for this text',
    );

  const x = new Float64Array(shared.length * k);
  const y = new Float64Array(shared.length * dimension);
  shared.forEach((w, i) => {
    x.set(inApp.vectors.subarray(w * k, (w + 1) * k), i * k);
    y.set(vectors.subarray(w * dimension, (w + 1) * dimension), i * dimension);
  });
  const map = fitProcrustes(x, y, shared.length, k, dimension);
  let cosineSum = 0;
  shared.forEach((_, i) => {
    const mapped = applyProcrustes(map, x.subarray(i * k, (i + 1) * k));
    for (let j = 0; j < dimension; j++) cosineSum += mapped[j]! * y[i * dimension + j]!;
  });
  for (const w of missing) {
    if (hasInApp(w)) {
      vectors.set(applyProcrustes(map, inApp.vectors.subarray(w * k, (w + 1) * k)), w * dimension);
      source[w] = rowSources.mapped;
    } else {
      randomUnitRow(vectors, w, dimension, seed);
      source[w] = rowSources.random;
    }
  }
  return { vectors, dimension, source, sharedWords: shared.length, fitCosine: cosineSum / shared.length };
}
