// Byte-pair encoding (Sennrich, Haddow & Birch 2016) over the word tokens of `tokenizeWords`.
// A word is a sequence of characters whose last character carries the end-of-word suffix `</w>`
// ("low" → l o w</w>), the scheme of @huggingface/tokenizers' BPE model with `end_of_word_suffix`,
// so the tokenizer.json from `toTokenizerJson` encodes exactly as `BpeTokenizer.encode` does.
//
// Training merges the most frequent adjacent pair, summed over word types weighted by their counts.
// Ties go to the pair whose left symbol comes first in JavaScript string order, then the right one,
// so the merges depend only on the word counts, never on the order of the corpus.
import { detokenize, tokenizeWords } from './tokenize';
import { Vocabulary, countTokens, specialTokens } from './vocabulary';

export const endOfWordSuffix = '</w>';

export type BpeMerge = readonly [left: string, right: string];

export interface BpeTrainingOptions {
  /** Most merges to learn (the vocabulary grows by at most this many symbols). */
  merges: number;
  /** Stop when the most frequent pair occurs fewer times than this (default 2). */
  minPairCount?: number;
  /** Lower-case the text before splitting it into words (default true). */
  lowercase?: boolean;
}

/** The initial symbols of a word: its characters (code points), the last one marked as word end. */
function wordSymbols(word: string): string[] {
  const symbols = Array.from(word);
  if (symbols.length > 0) symbols[symbols.length - 1] += endOfWordSuffix;
  return symbols;
}

/**
 * Learns merges from word counts. Returns the alphabet (every character seen, bare and word-final) and the merges in
 * rank order.
 */
export function learnMerges(
  wordCounts: ReadonlyMap<string, number>,
  { merges: maxMerges, minPairCount = 2 }: BpeTrainingOptions,
): { alphabet: string[]; merges: BpeMerge[] } {
  const symbolNames: string[] = [];
  const symbolIds = new Map<string, number>();
  const intern = (name: string): number => {
    let id = symbolIds.get(name);
    if (id === undefined) symbolIds.set(name, (id = symbolNames.push(name) - 1));
    return id;
  };
  const characters = new Set<string>();
  const words: number[][] = [];
  const frequencies: number[] = [];
  for (const [word, count] of wordCounts) {
    if (word.length === 0 || count <= 0) continue;
    for (const c of word) characters.add(c);
    words.push(wordSymbols(word).map(intern));
    frequencies.push(count);
  }
  // Both forms of every character, so a character seen only inside words still encodes at a word's end.
  const alphabet = [...characters].flatMap((c) => [c, c + endOfWordSuffix]).sort(compareStrings);
  if (alphabet.length + maxMerges >= pairKeyBase) throw new Error(`BPE supports fewer than ${pairKeyBase} symbols`);

  // Pair counts are kept up to date incrementally; a max-heap with lazy deletion finds the best pair.
  // Each pair lists the words that may contain it (entries can be stale: re-checked on use).
  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, number[]>();
  const heap = new PairHeap();
  const addPairs = (symbols: readonly number[], weight: number, changes: Map<number, number>) => {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = symbols[i]! * pairKeyBase + symbols[i + 1]!;
      changes.set(key, (changes.get(key) ?? 0) + weight);
    }
  };
  const applyChanges = (changes: ReadonlyMap<number, number>) => {
    for (const [key, delta] of changes) {
      if (delta === 0) continue;
      const count = (pairCounts.get(key) ?? 0) + delta;
      if (count > 0) {
        pairCounts.set(key, count);
        heap.push({
          count,
          key,
          left: symbolNames[Math.floor(key / pairKeyBase)]!,
          right: symbolNames[key % pairKeyBase]!,
        });
      } else pairCounts.delete(key);
    }
  };
  const listWord = (key: number, word: number) => {
    const list = pairWords.get(key);
    if (list) list.push(word);
    else pairWords.set(key, [word]);
  };

  const initial = new Map<number, number>();
  words.forEach((symbols, w) => {
    addPairs(symbols, frequencies[w]!, initial);
    for (let i = 0; i + 1 < symbols.length; i++) listWord(symbols[i]! * pairKeyBase + symbols[i + 1]!, w);
  });
  applyChanges(initial);

  const merges: BpeMerge[] = [];
  const mergedKeys = new Set<number>();
  while (merges.length < maxMerges) {
    const best = heap.pop();
    if (!best) break;
    if (pairCounts.get(best.key) !== best.count) continue; // stale entry
    if (best.count < minPairCount) break;
    const left = Math.floor(best.key / pairKeyBase);
    const right = best.key % pairKeyBase;
    const merged = intern(best.left + best.right);
    // Two merges can build the same string (a+bc, ab+c); the repeated pair then merges again
    // without a second entry, which would give the pair two ranks.
    if (!mergedKeys.has(best.key)) {
      mergedKeys.add(best.key);
      merges.push([best.left, best.right]);
    }
    const changes = new Map<number, number>();
    for (const w of pairWords.get(best.key) ?? []) {
      const before = words[w]!;
      const after = mergePair(before, left, right, merged);
      if (after.length === before.length) continue; // stale or already processed
      addPairs(before, -frequencies[w]!, changes);
      addPairs(after, frequencies[w]!, changes);
      for (let i = 0; i + 1 < after.length; i++) {
        if (after[i] === merged || after[i + 1] === merged) listWord(after[i]! * pairKeyBase + after[i + 1]!, w);
      }
      words[w] = after;
    }
    pairWords.delete(best.key);
    applyChanges(changes);
  }
  return { alphabet, merges };
}

/** Symbol ids stay below this, so a pair packs into one safe integer: left · base + right. */
const pairKeyBase = 1 << 21;

function mergePair(symbols: readonly number[], left: number, right: number, merged: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] === left && symbols[i + 1] === right) {
      out.push(merged);
      i++;
    } else out.push(symbols[i]!);
  }
  return out;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface PairEntry {
  count: number;
  key: number;
  left: string;
  right: string;
}

/** Binary max-heap: higher count first, then smaller left symbol, then smaller right symbol. */
class PairHeap {
  private readonly items: PairEntry[] = [];

  private static before(a: PairEntry, b: PairEntry): boolean {
    if (a.count !== b.count) return a.count > b.count;
    return a.left !== b.left ? a.left < b.left : a.right < b.right;
  }

  push(entry: PairEntry): void {
    const items = this.items;
    let i = items.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!PairHeap.before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): PairEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < items.length && PairHeap.before(items[l]!, items[best]!)) best = l;
      if (r < items.length && PairHeap.before(items[r]!, items[best]!)) best = r;
      if (best === i) return top;
      [items[i], items[best]] = [items[best]!, items[i]!];
      i = best;
    }
  }
}

/**
 * A trained BPE tokenizer. Ids: the four specials (pad 0, unk 1, bos 2, eos 3), the alphabet, then
 * each merge's new symbol in rank order. Characters never seen in training encode as <unk>.
 */
export class BpeTokenizer {
  private readonly ranks = new Map<string, Map<string, number>>();
  private readonly wordIds = new Map<string, readonly number[]>();

  constructor(
    readonly vocabulary: Vocabulary,
    readonly merges: readonly BpeMerge[],
    readonly lowercase = true,
  ) {
    merges.forEach(([left, right], rank) => {
      for (const symbol of [left, right, left + right]) {
        if (!vocabulary.has(symbol))
          throw new Error(`BPE merge ${rank} (${left} ${right}) uses ${symbol}, which is not in the vocabulary`);
      }
      let byRight = this.ranks.get(left);
      if (!byRight) this.ranks.set(left, (byRight = new Map()));
      if (byRight.has(right)) throw new Error(`BPE merge ${left} ${right} is listed twice`);
      byRight.set(right, rank);
    });
  }

  static train(texts: Iterable<string>, options: BpeTrainingOptions): BpeTokenizer {
    const lowercase = options.lowercase ?? true;
    const sentences = (function* () {
      for (const text of texts) yield tokenizeWords(text, { lowercase });
    })();
    return BpeTokenizer.fromWordCounts(countTokens(sentences), options);
  }

  static fromWordCounts(wordCounts: ReadonlyMap<string, number>, options: BpeTrainingOptions): BpeTokenizer {
    const { alphabet, merges } = learnMerges(wordCounts, options);
    const symbols = new Set<string>(alphabet);
    for (const [left, right] of merges) symbols.add(left + right);
    const tokens = [specialTokens.pad, specialTokens.unk, specialTokens.bos, specialTokens.eos, ...symbols];
    return new BpeTokenizer(new Vocabulary(tokens), merges, options.lowercase ?? true);
  }

  /** The subword symbols of one word: merges applied lowest rank first, leftmost first among equals. */
  segmentWord(word: string): string[] {
    const symbols = wordSymbols(word);
    for (;;) {
      let bestRank = Infinity;
      let bestAt = -1;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = this.ranks.get(symbols[i]!)?.get(symbols[i + 1]!);
        if (rank !== undefined && rank < bestRank) [bestRank, bestAt] = [rank, i];
      }
      if (bestAt < 0) return symbols;
      symbols.splice(bestAt, 2, symbols[bestAt]! + symbols[bestAt + 1]!);
    }
  }

  encodeWords(words: readonly string[]): Int32Array {
    const ids: number[] = [];
    for (const word of words) {
      let wordIds = this.wordIds.get(word);
      if (!wordIds) this.wordIds.set(word, (wordIds = this.segmentWord(word).map((s) => this.vocabulary.id(s))));
      ids.push(...wordIds);
    }
    return Int32Array.from(ids);
  }

  encode(text: string): Int32Array {
    return this.encodeWords(tokenizeWords(text, { lowercase: this.lowercase }));
  }

  /**
   * Joins subwords back into words; pad, bos and eos are dropped, <unk> stays as written. A word in
   * `replacements` stands whole at its position (ending any word in progress there).
   */
  decodeWords(ids: ArrayLike<number>, replacements?: ReadonlyMap<number, string>): string[] {
    const words: string[] = [];
    let current = '';
    for (const [position, symbol] of this.vocabulary.decode(ids).entries()) {
      const replacement = replacements?.get(position);
      if (replacement !== undefined) {
        if (current) words.push(current);
        words.push(replacement);
        current = '';
      } else if (symbol === specialTokens.pad || symbol === specialTokens.bos || symbol === specialTokens.eos) continue;
      else if (symbol.endsWith(endOfWordSuffix)) {
        words.push(current + symbol.slice(0, -endOfWordSuffix.length));
        current = '';
      } else current += symbol;
    }
    if (current) words.push(current);
    return words;
  }

  decode(ids: ArrayLike<number>): string {
    return detokenize(this.decodeWords(ids));
  }
}
