// Float64 references of shaders/embedding.wgsl. Shapes: V rows, d columns, N ids.

/** out[p, :] = table[ids[p], :], zeros for negative (padding) ids. */
export function embeddingGather(table: ArrayLike<number>, ids: ArrayLike<number>, d: number): Float64Array {
  const out = new Float64Array(ids.length * d);
  for (let p = 0; p < ids.length; p++) {
    const id = ids[p]!;
    if (id < 0) continue;
    for (let j = 0; j < d; j++) out[p * d + j] = table[id * d + j]!;
  }
  return out;
}

/** dTable[ids[p], :] += gradOut[p, :] over non-negative ids; other rows stay zero. */
export function embeddingScatterAdd(
  gradOut: ArrayLike<number>,
  ids: ArrayLike<number>,
  rows: number,
  d: number,
): Float64Array {
  const gradTable = new Float64Array(rows * d);
  for (let p = 0; p < ids.length; p++) {
    const id = ids[p]!;
    if (id < 0) continue;
    for (let j = 0; j < d; j++) gradTable[id * d + j] += gradOut[p * d + j]!;
  }
  return gradTable;
}
