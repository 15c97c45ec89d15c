// How target words become ids and back: whole words (every head), or BPE subwords for the paper's
// word→BPE softmax baseline (Sennrich et al. 2016; methods.md b1). Continuous heads need one
// embedding per target type, so only softmax heads train on subwords (the schema enforces it).
import { BpeTokenizer } from '../data/bpe';
import { countTokens, type Vocabulary } from '../data/vocabulary';

export interface TargetCodec {
  vocabulary: Vocabulary;
  /** Word tokens → target ids. */
  encode(words: readonly string[]): Int32Array;
  /**
   * Target ids → word tokens (subwords joined). `replacements` puts a whole word in place of the
   * unit at a position (an <unk> replaced from the source, see src/train/unknownReplacement.ts).
   */
  decode(ids: ArrayLike<number>, replacements?: ReadonlyMap<number, string>): string[];
}

export function wordCodec(vocabulary: Vocabulary): TargetCodec {
  return {
    vocabulary,
    encode: (words) => vocabulary.encode(words),
    decode: (ids, replacements) => vocabulary.decode(ids).map((word, i) => replacements?.get(i) ?? word),
  };
}

/** BPE learnt on the training targets with `merges` merges (ties broken by string order, so deterministic). */
export function bpeCodec(sentences: readonly (readonly string[])[], merges: number): TargetCodec {
  const tokenizer = BpeTokenizer.fromWordCounts(countTokens(sentences), { merges });
  return {
    vocabulary: tokenizer.vocabulary,
    encode: (words) => tokenizer.encodeWords(words),
    decode: (ids, replacements) => tokenizer.decodeWords(ids, replacements),
  };
}
