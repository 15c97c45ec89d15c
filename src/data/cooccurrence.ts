// Word–context co-occurrence counts and their positive PMI, the matrix the in-app embeddings factor
// (Levy, Goldberg & Dagan 2015). Shape legend: V vocabulary size, N corpus tokens, L window.
// CPU only: the counts come from token ids once, and the GPU takes the finished sparse matrix.
import type { CsrMatrix } from '../math/sparse';

export interface CooccurrenceOptions {
  /** Context words up to this distance on either side count (default 5). */
  window?: number;
}

export interface PpmiOptions {
  /** Context-distribution smoothing: context counts are raised to this power (default 0.75). */
  contextSmoothing?: number;
}

const defaultWindow = 5;
const defaultContextSmoothing = 0.75;

/**
 * Symmetric co-occurrence counts: a pair of tokens d ≤ L positions apart adds 1/d to (w, c) and to
 * (c, w). Windows never cross from one sequence into the next; negative ids are gaps that occupy a
 * position but pair with nothing (e.g. tokens dropped from the vocabulary).
 */
export function cooccurrenceCounts(
  sequences: Iterable<ArrayLike<number>>,
  vocabSize: number,
  { window = defaultWindow }: CooccurrenceOptions = {},
): CsrMatrix {
  if (!Number.isInteger(window) || window < 1)
    throw new Error(`The co-occurrence window must be a positive integer, got ${window}`);
  // One flat array with `window` gap tokens between sequences keeps every window inside its sequence.
  const flat: number[] = [];
  for (const sequence of sequences) {
    if (flat.length > 0) for (let g = 0; g < window; g++) flat.push(-1);
    for (let p = 0; p < sequence.length; p++) {
      const id = sequence[p]!;
      if (id >= vocabSize || !Number.isInteger(id))
        throw new Error(`Token id ${id} at position ${p} is outside a vocabulary of V=${vocabSize}`);
      flat.push(id);
    }
  }
  const tokens = Int32Array.from(flat);
  const occurrences = positionsByWord(tokens, vocabSize);

  // One row at a time through a dense accumulator over V contexts (a sparse accumulator): memory
  // O(N + V) and a fixed summation order, so the counts are the same on every run.
  const accumulator = new Float64Array(vocabSize);
  const touched = new Uint8Array(vocabSize);
  const offsets = new Uint32Array(vocabSize + 1);
  const columns: number[] = [];
  const values: number[] = [];
  let rowColumns: number[] = [];
  const add = (c: number, weight: number) => {
    if (c < 0) return;
    if (!touched[c]) {
      touched[c] = 1;
      rowColumns.push(c);
    }
    accumulator[c]! += weight;
  };
  for (let w = 0; w < vocabSize; w++) {
    rowColumns = [];
    for (let o = occurrences.offsets[w]!; o < occurrences.offsets[w + 1]!; o++) {
      const p = occurrences.positions[o]!;
      for (let d = 1; d <= window; d++) {
        if (p >= d) add(tokens[p - d]!, 1 / d);
        if (p + d < tokens.length) add(tokens[p + d]!, 1 / d);
      }
    }
    rowColumns.sort((a, b) => a - b);
    for (const c of rowColumns) {
      columns.push(c);
      values.push(accumulator[c]!);
      accumulator[c] = 0;
      touched[c] = 0;
    }
    offsets[w + 1] = columns.length;
  }
  return {
    rows: vocabSize,
    cols: vocabSize,
    offsets,
    columns: Uint32Array.from(columns),
    values: Float64Array.from(values),
  };
}

/** For each word, the positions where it occurs, ascending (counting sort; gaps left out). */
function positionsByWord(tokens: Int32Array, vocabSize: number): { offsets: Uint32Array; positions: Uint32Array } {
  const offsets = new Uint32Array(vocabSize + 1);
  for (const id of tokens) if (id >= 0) offsets[id + 1]!++;
  for (let w = 0; w < vocabSize; w++) offsets[w + 1]! += offsets[w]!;
  const next = offsets.slice(0, vocabSize);
  const positions = new Uint32Array(offsets[vocabSize]!);
  tokens.forEach((id, p) => {
    if (id >= 0) positions[next[id]!++] = p;
  });
  return { offsets, positions };
}

/**
 * Positive PMI with smoothed contexts, no shift:
 *   PPMI(w, c) = max(0, log( #(w,c) · Σ_c' #(c')^α / (#(w) · #(c)^α) )),
 * with #(w) = Σ_c #(w,c) and #(c) = Σ_w #(w,c). Smoothing raises rare contexts' probability, which
 * tames PMI's bias towards them. Only the positive entries are kept.
 */
export function ppmiFromCounts(
  counts: CsrMatrix,
  { contextSmoothing = defaultContextSmoothing }: PpmiOptions = {},
): CsrMatrix {
  const rowSums = new Float64Array(counts.rows);
  const contextSums = new Float64Array(counts.cols);
  let total = 0;
  for (let r = 0; r < counts.rows; r++) {
    for (let e = counts.offsets[r]!; e < counts.offsets[r + 1]!; e++) {
      const v = counts.values[e]!;
      rowSums[r]! += v;
      contextSums[counts.columns[e]!]! += v;
      total += v;
    }
  }
  let smoothedTotal = 0;
  const smoothedContexts = contextSums.map((s) => s ** contextSmoothing);
  for (const s of smoothedContexts) smoothedTotal += s;

  const offsets = new Uint32Array(counts.rows + 1);
  const columns: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < counts.rows; r++) {
    for (let e = counts.offsets[r]!; e < counts.offsets[r + 1]!; e++) {
      const c = counts.columns[e]!;
      const pmi = Math.log(
        counts.values[e]! / total / ((rowSums[r]! / total) * (smoothedContexts[c]! / smoothedTotal)),
      );
      if (pmi > 0) {
        columns.push(c);
        values.push(pmi);
      }
    }
    offsets[r + 1] = columns.length;
  }
  return {
    rows: counts.rows,
    cols: counts.cols,
    offsets,
    columns: Uint32Array.from(columns),
    values: Float64Array.from(values),
  };
}

/** Counts and PPMI in one call, with the spec's defaults (window 5 with 1/d weighting, α = 0.75). */
export function ppmiMatrix(
  sequences: Iterable<ArrayLike<number>>,
  vocabSize: number,
  options: CooccurrenceOptions & PpmiOptions = {},
): CsrMatrix {
  return ppmiFromCounts(cooccurrenceCounts(sequences, vocabSize, options), options);
}
