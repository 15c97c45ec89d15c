// A token ↔ id map with the four special tokens at fixed ids, built deterministically from counts.

export const specialTokens = { pad: '<pad>', unk: '<unk>', bos: '<bos>', eos: '<eos>' } as const;
export const specialIds = { pad: 0, unk: 1, bos: 2, eos: 3 } as const;

export interface VocabularyOptions {
  /** Largest vocabulary including the four special tokens. */
  maxSize: number;
  /** Tokens seen fewer times map to <unk>. */
  minCount?: number;
  /**
   * Tokens that always follow the special ones, whatever their counts, within maxSize (the numbered
   * unknowns of data/numberedUnknowns.ts): a vocabulary built before and after sentences are
   * rewritten with them then holds the same words.
   */
  reserved?: readonly string[];
}

export class Vocabulary {
  private readonly index: Map<string, number>;

  constructor(readonly tokens: readonly string[]) {
    this.index = new Map(tokens.map((t, i) => [t, i]));
    if (this.index.size !== tokens.length) throw new Error('A vocabulary lists a token twice');
    const expected = [specialTokens.pad, specialTokens.unk, specialTokens.bos, specialTokens.eos];
    if (expected.some((t, i) => tokens[i] !== t)) throw new Error(`A vocabulary must start with ${expected.join(' ')}`);
  }

  /** Most frequent first; equal counts in code-point order of the token, so the result never depends on input order. */
  static fromCounts(
    counts: ReadonlyMap<string, number>,
    { maxSize, minCount = 1, reserved = [] }: VocabularyOptions,
  ): Vocabulary {
    const placed = new Set<string>([...Object.values(specialTokens), ...reserved]);
    const kept = [...counts]
      .filter(([token, count]) => count >= minCount && !placed.has(token))
      .sort(([ta, ca], [tb, cb]) => cb - ca || (ta < tb ? -1 : ta > tb ? 1 : 0))
      .slice(0, Math.max(0, maxSize - 4 - reserved.length))
      .map(([token]) => token);
    const { pad, unk, bos, eos } = specialTokens;
    return new Vocabulary([pad, unk, bos, eos, ...reserved, ...kept]);
  }

  static fromSentences(sentences: Iterable<readonly string[]>, options: VocabularyOptions): Vocabulary {
    return Vocabulary.fromCounts(countTokens(sentences), options);
  }

  get size(): number {
    return this.tokens.length;
  }

  id(token: string): number {
    return this.index.get(token) ?? specialIds.unk;
  }

  has(token: string): boolean {
    return this.index.has(token);
  }

  encode(tokens: readonly string[]): Int32Array {
    return Int32Array.from(tokens, (t) => this.id(t));
  }

  decode(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (id) => this.tokens[id] ?? specialTokens.unk);
  }
}

export function countTokens(sentences: Iterable<readonly string[]>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sentence of sentences) for (const token of sentence) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}
