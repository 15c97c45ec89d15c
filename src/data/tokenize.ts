// Word-level tokenisation for every corpus (continuous heads need one vector per target type).
// Words (letters with combining marks, inner apostrophes split off as contractions the way PTB and
// GloVe split them: "don't" → "do n't", "it's" → "it 's"), numbers (with inner , or .), and every
// other non-space character as its own token. Deterministic, Unicode-aware, no state.

const tokenPattern =
  /\p{L}[\p{L}\p{M}]*(?=n't(?![\p{L}\p{M}]))|n't(?![\p{L}\p{M}])|'(?:s|re|ve|ll|d|m)(?![\p{L}\p{M}])|\p{L}[\p{L}\p{M}]*|\p{N}+(?:[.,]\p{N}+)*|[^\s\p{L}\p{N}]/gu;

export interface TokenizeOptions {
  lowercase?: boolean;
}

/** Splits text into word, number, contraction and punctuation tokens. */
export function tokenizeWords(text: string, { lowercase = true }: TokenizeOptions = {}): string[] {
  let normal = text.normalize('NFC').replace(/[\u2018\u2019\u02bc]/g, "'");
  if (lowercase) normal = normal.toLowerCase();
  return normal.match(tokenPattern) ?? [];
}

const attachLeft = new Set([
  '.',
  ',',
  ';',
  ':',
  '!',
  '?',
  ')',
  ']',
  '}',
  '%',
  "n't",
  "'s",
  "'re",
  "'ve",
  "'ll",
  "'d",
  "'m",
]);
const attachRight = new Set(['(', '[', '{', '¿', '¡']);

/** Joins tokens into readable text: no space before closing punctuation or contractions, none after opening marks. */
export function detokenize(tokens: readonly string[]): string {
  let out = '';
  let glueNext = true;
  for (const token of tokens) {
    if (!glueNext && !attachLeft.has(token)) out += ' ';
    out += token;
    glueNext = attachRight.has(token);
  }
  return out;
}
