// A Hugging Face `tokenizer.json` for a trained BpeTokenizer, so other tools (the Rust `tokenizers`
// crate, Python, @huggingface/tokenizers in JS) encode text to the same ids. Every stage mirrors
// `tokenizeWords` + `BpeTokenizer.segmentWord`: NFC, curly apostrophes to ', optional lower-casing,
// a Split pre-tokenizer that keeps the word pattern's matches, and a BPE model whose end-of-word
// suffix marks each word's last symbol. The decoder joins words with single spaces (HF has no
// equivalent of `detokenize`'s punctuation rules).
import { endOfWordSuffix, type BpeTokenizer } from './bpe';
import { specialTokens } from './vocabulary';

/**
 * The word pattern of `tokenizeWords` in Oniguruma syntax. JavaScript's `\s` and Oniguruma's differ
 * (U+FEFF, U+0085), so the whitespace that never starts a token is spelled out as JavaScript's set.
 * A test checks the two pre-tokenizations agree on text with every kind of token.
 */
const javascriptWhitespace = String.raw`\x{9}-\x{D}\x{20}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}`;
const notLetterOrMark = String.raw`(?![\p{L}\p{M}])`;
const wordPatternOniguruma = [
  String.raw`\p{L}[\p{L}\p{M}]*(?=n't${notLetterOrMark})`,
  `n't${notLetterOrMark}`,
  `'(?:s|re|ve|ll|d|m)${notLetterOrMark}`,
  String.raw`\p{L}[\p{L}\p{M}]*`,
  String.raw`\p{N}+(?:[.,]\p{N}+)*`,
  String.raw`[^${javascriptWhitespace}\p{L}\p{N}]`,
].join('|');

/** The apostrophe look-alikes that `tokenizeWords` turns into '. */
const apostrophePattern = String.raw`[\x{2018}\x{2019}\x{2BC}]`;

export interface TokenizerJson {
  version: '1.0';
  truncation: null;
  padding: null;
  added_tokens: {
    id: number;
    content: string;
    single_word: boolean;
    lstrip: boolean;
    rstrip: boolean;
    normalized: boolean;
    special: boolean;
  }[];
  normalizer: { type: 'Sequence'; normalizers: Record<string, unknown>[] };
  pre_tokenizer: { type: 'Split'; pattern: { Regex: string }; behavior: 'Removed'; invert: true };
  post_processor: null;
  decoder: { type: 'BPEDecoder'; suffix: string };
  model: {
    type: 'BPE';
    dropout: null;
    unk_token: string;
    continuing_subword_prefix: null;
    end_of_word_suffix: string;
    fuse_unk: false;
    byte_fallback: false;
    ignore_merges: false;
    vocab: Record<string, number>;
    merges: [string, string][];
  };
}

export function toTokenizerJson(tokenizer: BpeTokenizer): TokenizerJson {
  const { tokens } = tokenizer.vocabulary;
  const specials = new Set<string>(Object.values(specialTokens));
  const normalizers: Record<string, unknown>[] = [
    { type: 'NFC' },
    { type: 'Replace', pattern: { Regex: apostrophePattern }, content: "'" },
  ];
  if (tokenizer.lowercase) normalizers.push({ type: 'Lowercase' });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: tokens
      .map((content, id) => ({
        id,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      }))
      .filter(({ content }) => specials.has(content)),
    normalizer: { type: 'Sequence', normalizers },
    // invert + Removed: the pattern's matches are the pieces, the text between them is dropped.
    pre_tokenizer: { type: 'Split', pattern: { Regex: wordPatternOniguruma }, behavior: 'Removed', invert: true },
    post_processor: null,
    decoder: { type: 'BPEDecoder', suffix: endOfWordSuffix },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: specialTokens.unk,
      continuing_subword_prefix: null,
      end_of_word_suffix: endOfWordSuffix,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(tokens.map((token, id) => [token, id])),
      merges: tokenizer.merges.map(([left, right]) => [left, right]),
    },
  };
}
