// How much of a task's target text the pre-trained vectors cover. Tokens are counted the way the
// models see them: lower-cased words from tokenizeWords, punctuation included (GloVe has vectors
// for most punctuation, and a continuous head must predict those tokens too).
import type { Coverage } from './manifest';
import { tokenizeWords } from './tokenize';

export function tokenCounts(lines: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) for (const token of tokenizeWords(line)) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

export function measureCoverage(counts: ReadonlyMap<string, number>, hasVector: (word: string) => boolean): Coverage {
  let tokenCount = 0;
  let coveredTokens = 0;
  let coveredTypes = 0;
  for (const [word, count] of counts) {
    tokenCount += count;
    if (hasVector(word)) {
      coveredTokens += count;
      coveredTypes += 1;
    }
  }
  const typeCount = counts.size;
  return { tokens: coveredTokens / tokenCount, types: coveredTypes / typeCount, tokenCount, typeCount };
}
