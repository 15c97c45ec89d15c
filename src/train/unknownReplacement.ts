// The reference's `-replace_unk` (onmt/Translator.py, buildTargetTokens), without its lexicon: an
// emitted <unk> becomes the source token the decoder attended to most when emitting it — or the
// second most attended one when the first is "," or "." or lies more than half the source length
// away from the <unk>'s position. Without it every <unk> costs a head three 13a tokens ("< unk >")
// of length and no match, in proportion to how often that head emits it.
import { unknownNumber } from '../data/numberedUnknowns';
import { specialTokens } from '../data/vocabulary';

const punctuation: ReadonlySet<string> = new Set([',', '.']);

/** The two most attended positions among the first `length` (ties to the earlier position, as a stable sort would). */
function topTwo(row: ArrayLike<number>, length: number): [number, number | undefined] {
  let best = 0;
  let second: number | undefined;
  for (let s = 1; s < length; s++) {
    if (row[s]! > row[best]!) [best, second] = [s, best];
    else if (second === undefined || row[s]! > row[second]!) second = s;
  }
  return [best, second];
}

/**
 * Where `hypothesis[i]` is a numbered unknown <unkN> whose source has an N-th unknown word, that word
 * (`unknownWords[N − 1]`): the model's own pointer into the source, resolved whether or not <unk>s are
 * replaced. Returns position → word; other positions are absent.
 */
export function numberedReplacements(
  hypothesis: readonly string[],
  unknownWords: readonly string[],
): Map<number, string> {
  const words = new Map<number, string>();
  hypothesis.forEach((token, i) => {
    const word = unknownWords[(unknownNumber(token) ?? 0) - 1];
    if (word !== undefined) words.set(i, word);
  });
  return words;
}

/** Whether `token` is left unknown once numbered unknowns are resolved: <unk>, or an <unkN> with no N-th word. */
export function isUnresolvedUnknown(token: string): boolean {
  return token === specialTokens.unk || unknownNumber(token) !== undefined;
}

/**
 * The numbered replacements, and where `hypothesis[i]` is otherwise unknown (isUnresolvedUnknown),
 * the source token that replaces it: step i's attention row `attention[i]` (over source positions;
 * entries past `source.length` are padding and ignored) picks it. Returns position → replacement;
 * other positions are absent.
 */
export function unknownReplacements(
  source: readonly string[],
  hypothesis: readonly string[],
  attention: readonly ArrayLike<number>[],
  unknownWords: readonly string[] = [],
): Map<number, string> {
  const replacements = numberedReplacements(hypothesis, unknownWords);
  if (source.length === 0) return replacements;
  hypothesis.forEach((token, i) => {
    if (replacements.has(i) || !isUnresolvedUnknown(token)) return;
    const row = attention[i];
    if (!row) throw new Error(`<unk> at position ${i} has no attention row (${attention.length} rows)`);
    const [best, second] = topTwo(row, source.length);
    const distance = Math.abs(best - i) / source.length;
    const avoid = punctuation.has(source[best]!) || distance > 0.5;
    replacements.set(i, source[avoid && second !== undefined ? second : best]!);
  });
  return replacements;
}
