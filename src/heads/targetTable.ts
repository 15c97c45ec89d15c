// The frozen target table E of the continuous heads (methods.md A1): unit rows, with the special
// tokens set as the reference code sets them.

export interface SpecialTokens {
  pad: number;
  unk: number;
  bos: number;
  eos: number;
}

/**
 * Builds E [V, m] from raw vectors (rows of `vectors`, or undefined for words without one):
 * every row L2-normalised (norm clamped at 1e-12), PAD and BOS zero, EOS all ones normalised
 * (1/√m), UNK the normalised mean of `unkSource` rows (vectors of words outside the vocabulary)
 * when given, else zero. A word without a vector gets the UNK row.
 */
export function buildTargetTable(
  vocab: number,
  m: number,
  vectorOf: (id: number) => ArrayLike<number> | undefined,
  specials: SpecialTokens,
  unkSource: ArrayLike<number>[] = [],
): Float32Array {
  const table = new Float32Array(vocab * m);
  const setUnit = (id: number, row: ArrayLike<number>) => {
    let sq = 0;
    for (let j = 0; j < m; j++) sq += row[j]! * row[j]!;
    const scale = 1 / Math.max(Math.sqrt(sq), 1e-12);
    for (let j = 0; j < m; j++) table[id * m + j] = row[j]! * scale;
  };
  const unk = new Float64Array(m);
  for (const row of unkSource) for (let j = 0; j < m; j++) unk[j]! += row[j]!;
  const hasUnk = unkSource.length > 0;
  for (let id = 0; id < vocab; id++) {
    if (id === specials.pad || id === specials.bos) continue;
    if (id === specials.eos) setUnit(id, new Float64Array(m).fill(1));
    else {
      const row = id === specials.unk ? undefined : vectorOf(id);
      if (row) setUnit(id, row);
      else if (hasUnk) setUnit(id, unk);
    }
  }
  return table;
}
