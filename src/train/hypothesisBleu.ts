// Corpus BLEU of decoded token sequences, scored the way the reference's evaluate.sh scores them:
// consecutive duplicate tokens are removed first, then the tokens are detokenised. The order matters:
// after detokenisation ", ," has become ",," and "good good ." has become "good good.", and neither
// pair is a repeat of whitespace-separated tokens any more.
import { detokenize } from '../data/tokenize';
import { bleu, type BleuResult } from '../math/bleu';

export interface BleuWithAndWithoutDuplicates {
  /** BLEU of the detokenised hypotheses as decoded. */
  raw: BleuResult;
  /** BLEU after the reference code's post-processing, which drops repeated adjacent tokens. */
  deduplicated: BleuResult;
}

/**
 * The reference implementation's output clean-up (`remove_duplicates.py`): a token identical to the
 * one before it is dropped ("the the cat" → "the cat"). Continuous-output decoders often emit the
 * same nearest neighbour twice in a row.
 */
export function removeConsecutiveDuplicates(tokens: readonly string[]): string[] {
  return tokens.filter((token, i) => i === 0 || token !== tokens[i - 1]);
}

/**
 * BLEU of `detokenize(tokens)` and of `detokenize(removeConsecutiveDuplicates(tokens))`; references (text) are left
 * untouched.
 */
export function bleuWithAndWithoutDuplicates(
  hypothesisTokens: readonly (readonly string[])[],
  references: readonly string[],
): BleuWithAndWithoutDuplicates {
  return {
    raw: bleu(hypothesisTokens.map(detokenize), references),
    deduplicated: bleu(
      hypothesisTokens.map((tokens) => detokenize(removeConsecutiveDuplicates(tokens))),
      references,
    ),
  };
}
