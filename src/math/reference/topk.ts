/** Brute-force float64 top-k of query·row for every query; ties go to the lower id. */
export function topKReference(
  queries: ArrayLike<number>,
  table: ArrayLike<number>,
  n: number,
  v: number,
  m: number,
  k: number,
  cosine = false,
  bias?: ArrayLike<number>,
) {
  const ids: number[][] = [];
  const scores: number[][] = [];
  for (let q = 0; q < n; q++) {
    let norm = 0;
    for (let j = 0; j < m; j++) norm += queries[q * m + j]! ** 2;
    const scale = cosine ? 1 / Math.max(Math.sqrt(norm), 1e-30) : 1;
    const all = Array.from({ length: v }, (_, row) => {
      let s = 0;
      for (let j = 0; j < m; j++) s += queries[q * m + j]! * table[row * m + j]!;
      return { row, s: s * scale + (bias?.[row] ?? 0) };
    });
    all.sort((a, b) => b.s - a.s || a.row - b.row);
    ids.push(all.slice(0, k).map((e) => e.row));
    scores.push(all.slice(0, k).map((e) => e.s));
  }
  return { ids, scores };
}
