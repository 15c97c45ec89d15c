// Luong et al.'s "copyable" unknown words (Addressing the Rare Word Problem in Neural Machine
// Translation, ACL 2015, §3.1): each distinct out-of-vocabulary word of a source sentence becomes
// <unk1>, <unk2>, … in order of first appearance, and a target word outside the vocabulary that is the
// same word as one of them becomes the same numbered token; any other unknown stays <unk>. The model
// learns to emit <unkN> where it would copy the source's N-th unknown word, and decoding puts that
// word back. Luong et al. pair words with an aligner; pairing identical words is the aligner-free
// form, which covers names and other rare words spelt alike on both sides (most unknowns of KJV→WEB).

const pattern = /^<unk([1-9][0-9]*)>$/;

/** The numbered unknown tokens <unk1> … <unk`count`>. */
export function numberedUnknownTokens(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `<unk${i + 1}>`);
}

/** N for a token <unkN>, else undefined. */
export function unknownNumber(token: string): number | undefined {
  const match = pattern.exec(token);
  return match ? Number(match[1]) : undefined;
}

export interface NumberedPair {
  source: string[];
  target: string[];
  /** The source's numbered words: entry N − 1 is the word <unkN> stands for. */
  unknownWords: string[];
}

/**
 * A pair with its unknown words numbered: at most `count` numbers per sentence (later unknowns stay
 * as they are, so they become <unk> when encoded). `knownSource` and `knownTarget` say which words
 * each side's vocabulary holds.
 */
export function numberUnknowns(
  pair: { source: readonly string[]; target: readonly string[] },
  count: number,
  knownSource: (word: string) => boolean,
  knownTarget: (word: string) => boolean,
): NumberedPair {
  const numbers = new Map<string, string>();
  const unknownWords: string[] = [];
  const source = pair.source.map((word) => {
    if (knownSource(word)) return word;
    let token = numbers.get(word);
    if (token === undefined && unknownWords.length < count) {
      unknownWords.push(word);
      token = `<unk${unknownWords.length}>`;
      numbers.set(word, token);
    }
    return token ?? word;
  });
  const target = pair.target.map((word) => (knownTarget(word) ? word : (numbers.get(word) ?? word)));
  return { source, target, unknownWords };
}
