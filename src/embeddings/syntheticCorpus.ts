// A seeded synthetic corpus with the two properties that shape PPMI-SVD's cost and output: Zipfian
// word frequencies (a few very long rows, a long tail of short ones) and topical co-occurrence (so
// the PPMI matrix has a dominant low-rank part, as real text does). Used by the benchmark and the
// tests when no real text is at hand.
import { mulberry32 } from '../math/random';

export interface SyntheticCorpusOptions {
  vocabSize: number;
  tokens: number;
  /** Words per sequence (default 25). */
  sequenceLength?: number;
  /** Topics; each owns a contiguous block of the vocabulary (default 20). */
  topics?: number;
  /** Share of tokens drawn from the sequence's topic rather than the whole vocabulary (default 0.5). */
  topicShare?: number;
  seed?: number;
}

/** Draws ranks 0..n−1 with probability ∝ 1/(rank+1) by bisection on the cumulative weights. */
function zipfSampler(n: number, uniform: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) cumulative[r] = total += 1 / (r + 1);
  return () => {
    const target = uniform() * total;
    let [lo, hi] = [0, n - 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Sequences of word ids in [0, vocabSize); the same options give the same corpus. */
export function syntheticCorpus({
  vocabSize,
  tokens,
  sequenceLength = 25,
  topics = 20,
  topicShare = 0.5,
  seed = 1,
}: SyntheticCorpusOptions): Int32Array[] {
  const uniform = mulberry32(seed);
  const anyWord = zipfSampler(vocabSize, uniform);
  const blockSize = Math.max(1, Math.floor(vocabSize / topics));
  const topicWord = zipfSampler(blockSize, uniform);
  // Topic blocks interleave ranks (word = rank·topics + topic), so every topic has frequent and rare words.
  const sequences: Int32Array[] = [];
  for (let produced = 0; produced < tokens; produced += sequenceLength) {
    const topic = Math.floor(uniform() * topics);
    const length = Math.min(sequenceLength, tokens - produced);
    sequences.push(
      Int32Array.from({ length }, () => {
        if (uniform() >= topicShare) return anyWord();
        return Math.min(vocabSize - 1, topicWord() * topics + topic);
      }),
    );
  }
  return sequences;
}
