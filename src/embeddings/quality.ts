// A quality check anyone can run on a word-vector table: nearest neighbours by cosine and analogies
// by 3CosAdd (b − a + c, Mikolov et al. 2013), the query words excluded from the answers.
// Shape legend: V words, m dimensions.

export interface EmbeddingSpace {
  words: readonly string[];
  /** Row i is words[i]'s vector, [V×m] row-major; rows need not be unit length. */
  vectors: ArrayLike<number>;
  dimension: number;
}

export interface Neighbour {
  word: string;
  cosine: number;
}

function rowNorms({ words, vectors, dimension }: EmbeddingSpace): Float64Array {
  return Float64Array.from(words, (_, i) => {
    let sq = 0;
    for (let j = 0; j < dimension; j++) sq += vectors[i * dimension + j]! ** 2;
    return Math.sqrt(sq);
  });
}

function indexOf(space: EmbeddingSpace, word: string): number {
  const i = space.words.indexOf(word);
  if (i < 0) throw new Error(`'${word}' is not in the embedding table`);
  return i;
}

/**
 * The k rows closest in cosine to `query` (any vector of the space's dimension), excluding `exclude`; ties to the lower
 * row.
 */
function nearestToVector(
  space: EmbeddingSpace,
  query: ArrayLike<number>,
  k: number,
  exclude: ReadonlySet<number> = new Set(),
): Neighbour[] {
  const { words, vectors, dimension } = space;
  const norms = rowNorms(space);
  let queryNorm = 0;
  for (let j = 0; j < dimension; j++) queryNorm += query[j]! ** 2;
  queryNorm = Math.sqrt(queryNorm);
  const scored: { row: number; cosine: number }[] = [];
  for (let i = 0; i < words.length; i++) {
    if (exclude.has(i) || norms[i] === 0) continue;
    let d = 0;
    for (let j = 0; j < dimension; j++) d += vectors[i * dimension + j]! * query[j]!;
    scored.push({ row: i, cosine: d / (norms[i]! * queryNorm) });
  }
  scored.sort((a, b) => b.cosine - a.cosine || a.row - b.row);
  return scored.slice(0, k).map(({ row, cosine }) => ({ word: words[row]!, cosine }));
}

/** The k nearest words to `word`, itself excluded. */
export function nearestNeighbours(space: EmbeddingSpace, word: string, k = 10): Neighbour[] {
  const i = indexOf(space, word);
  const row = Array.from({ length: space.dimension }, (_, j) => space.vectors[i * space.dimension + j]!);
  return nearestToVector(space, row, k, new Set([i]));
}

/** "a is to b as c is to ?": the words nearest to unit(b) − unit(a) + unit(c), excluding a, b and c. */
export function analogy(space: EmbeddingSpace, a: string, b: string, c: string, k = 1): Neighbour[] {
  const rows = [a, b, c].map((word) => indexOf(space, word));
  const norms = rowNorms(space);
  const signs = [-1, 1, 1];
  const query = Array.from({ length: space.dimension }, (_, j) =>
    rows.reduce((sum, row, t) => sum + (signs[t]! * space.vectors[row * space.dimension + j]!) / (norms[row]! || 1), 0),
  );
  return nearestToVector(space, query, k, new Set(rows));
}

export interface QualityReport {
  neighbours: { word: string; nearest: Neighbour[] }[];
  analogies: { query: [string, string, string]; answers: Neighbour[] }[];
}

const defaultProbeWords = ['king', 'war', 'money', 'good', 'president', 'america'];
const defaultAnalogies: [string, string, string][] = [['man', 'king', 'woman']];

/** Neighbours of the probe words and the analogies whose words are all in the table (others are skipped). */
export function qualityReport(
  space: EmbeddingSpace,
  probes = defaultProbeWords,
  analogies = defaultAnalogies,
  k = 5,
): QualityReport {
  const known = new Set(space.words);
  return {
    neighbours: probes
      .filter((w) => known.has(w))
      .map((word) => ({ word, nearest: nearestNeighbours(space, word, k) })),
    analogies: analogies
      .filter((q) => q.every((w) => known.has(w)))
      .map((query) => ({ query, answers: analogy(space, ...query, k) })),
  };
}

export function formatQualityReport(report: QualityReport): string {
  const list = (ns: Neighbour[]) => ns.map((n) => `${n.word} ${n.cosine.toFixed(2)}`).join(', ');
  return [
    ...report.neighbours.map(({ word, nearest }) => `  ${word}: ${list(nearest)}`),
    ...report.analogies.map(({ query: [a, b, c], answers }) => `  ${b} − ${a} + ${c}: ${list(answers)}`),
  ].join('\n');
}
