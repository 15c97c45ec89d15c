// The trivial baselines every result should sit beside, on the very sentences a run is scored on:
// for translation, copying the source (BLEU of the source sentences as hypotheses — KJV→WEB is
// English to English, where copying is hard to beat); for a language model, a unigram model of the
// training targets (add-one smoothed) scored like a softmax head: perplexity, accuracy @1/@5, and
// Brier-1 … 4 exactly, where the models' are estimated.
import { bleu } from '../math/bleu';
import { brierOrders, unigramBrier } from '../math/brier';
import type { Task } from '../experiments/task';
import { brierPositions } from './brierLm';

export interface Baselines {
  /** BLEU of the untranslated source against the references, over the sentences BLEU decodes. */
  copyBleu?: number;
  unigram?: {
    perplexity: number;
    accuracy1: number;
    accuracy5: number;
    /** Brier-1 … 4, exact, over every position where the models' BrierLM may sample (brierLm.ts). */
    brier?: number[];
  };
}

/** The baselines of `task`; `decodeSentences` is how many validation sentences evaluation decodes for BLEU. */
export function baselines(task: Task, decodeSentences: number): Baselines {
  if (task.kind === 'translation') {
    const scored = task.validText.slice(0, Math.min(decodeSentences, task.validText.length));
    return scored.length === 0
      ? {}
      : {
          copyBleu: bleu(
            scored.map((t) => t.source),
            scored.map((t) => t.reference),
          ).score,
        };
  }
  const counts = new Float64Array(task.targetVocabulary.size);
  let total = 0;
  for (const example of task.train) {
    for (const id of example.target) {
      if (id < 0) continue;
      counts[id]!++;
      total++;
    }
  }
  const ranked = [...counts.keys()].sort((a, b) => counts[b]! - counts[a]! || a - b);
  const [top1, top5] = [new Set(ranked.slice(0, 1)), new Set(ranked.slice(0, 5))];
  let nll = 0;
  let tokens = 0;
  let correct1 = 0;
  let correct5 = 0;
  for (const example of task.valid) {
    for (const id of example.target) {
      if (id < 0) continue;
      nll -= Math.log((counts[id]! + 1) / (total + counts.length));
      tokens++;
      if (top1.has(id)) correct1++;
      if (top5.has(id)) correct5++;
    }
  }
  if (tokens === 0) return {};
  const unigram: NonNullable<Baselines['unigram']> = {
    perplexity: Math.exp(nll / tokens),
    accuracy1: correct1 / tokens,
    accuracy5: correct5 / tokens,
  };
  const positions = brierPositions(task.valid, Number.POSITIVE_INFINITY);
  if (positions.length > 0) {
    const score = unigramBrier(Float64Array.from(counts, (c) => (c + 1) / (total + counts.length)));
    unigram.brier = Array.from(
      { length: brierOrders },
      (_, n) =>
        positions.reduce((sum, { continuation }) => sum + score(continuation.subarray(0, n + 1)), 0) / positions.length,
    );
  }
  return { unigram };
}
