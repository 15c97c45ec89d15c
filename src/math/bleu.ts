// Corpus BLEU as sacreBLEU 2.x computes it with its defaults: 13a tokenisation, 'exp' smoothing,
// case-sensitive, one reference per hypothesis, maximum n-gram order 4, no effective order.
// Scores from here are meant to be quoted next to sacreBLEU's, so every step follows its code,
// including the corner cases (empty corpus side, missing n-gram orders) rather than a textbook formula.

const MAX_ORDER = 4;

/** Corpus BLEU with the sufficient statistics it was computed from, in sacreBLEU's units. */
export interface BleuResult {
  /** BLEU on sacreBLEU's 0–100 scale. */
  score: number;
  /** Smoothed modified n-gram precisions for n = 1..4, in percent. */
  precisions: [number, number, number, number];
  /** Brevity penalty in [0, 1]. */
  bp: number;
  /** Total hypothesis length in 13a tokens. */
  sysLen: number;
  /** Total reference length in 13a tokens. */
  refLen: number;
  /** Clipped n-gram matches for n = 1..4. */
  counts: [number, number, number, number];
  /** Hypothesis n-gram totals for n = 1..4. */
  totals: [number, number, number, number];
}

// Python's str.split() and str.rstrip() treat these as whitespace; JavaScript's \s differs
// (it adds U+FEFF and lacks U+001C–U+001F and U+0085), and token counts must match sacreBLEU's.
const PYTHON_WHITESPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WHITESPACE_RUN = new RegExp(`[${PYTHON_WHITESPACE}]+`, 'u');
const TRAILING_WHITESPACE = new RegExp(`[${PYTHON_WHITESPACE}]+$`, 'u');

function splitOnWhitespace(text: string): string[] {
  return text.split(WHITESPACE_RUN).filter((token) => token.length > 0);
}

// mteval-v13a's language-dependent rules, in the order sacreBLEU's TokenizerRegexp applies them.
const PUNCTUATION_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // Isolate ASCII symbols and punctuation except apostrophe, hyphen, period and comma:
  // { | } ~  [ \ ] ^ _ `  space ! " # $ % &  ( ) * +  : ; < = > ? @  /
  [/([{-~[-` -&(-+:-@/])/g, ' $1 '],
  // Split a period or comma off unless a digit precedes it…
  [/([^0-9])([.,])/g, '$1 $2 '],
  // …or unless a digit follows it, so "3.5" and "1,000" stay whole.
  [/([.,])([^0-9])/g, ' $1 $2'],
  // A hyphen after a digit is split ("1990-1995"); one between letters is kept ("well-known").
  [/([0-9])(-)/g, '$1 $2 '],
];

/** sacreBLEU's '13a' tokeniser (mteval-v13a): returns the tokens joined by single spaces. */
export function tokenize13a(line: string): string {
  let text = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (text.includes('&')) {
    // mteval's order, kept as is: because &amp; is decoded before &lt; and &gt;, "&amp;lt;" ends up as "<".
    text = text.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  text = ` ${text} `;
  for (const [pattern, replacement] of PUNCTUATION_RULES) text = text.replace(pattern, replacement);
  return splitOnWhitespace(text).join(' ');
}

/** sacreBLEU strips trailing whitespace from every segment before tokenising it. */
function segmentTokens(segment: string): string[] {
  return splitOnWhitespace(tokenize13a(segment.replace(TRAILING_WHITESPACE, '')));
}

function ngramCounts(tokens: readonly string[]): Map<string, number>[] {
  const byOrder: Map<string, number>[] = [];
  for (let n = 1; n <= MAX_ORDER; n++) {
    const counts = new Map<string, number>();
    for (let start = 0; start + n <= tokens.length; start++) {
      // Tokens never contain a space (they come from a whitespace split), so a space-joined key is unambiguous.
      const key = tokens.slice(start, start + n).join(' ');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    byOrder.push(counts);
  }
  return byOrder;
}

// sacreBLEU's my_log: log(0) is floored to this value so that a missing n-gram order drives BLEU to 0.
const LOG_OF_ZERO = -9999999999;

function flooredLog(value: number): number {
  return value === 0 ? LOG_OF_ZERO : Math.log(value);
}

/**
 * Corpus BLEU of `hypotheses` against one reference each, matching
 * `sacrebleu.corpus_bleu(hypotheses, [references])` with default options.
 */
export function bleu(hypotheses: readonly string[], references: readonly string[]): BleuResult {
  if (hypotheses.length !== references.length) {
    throw new Error(`bleu: ${hypotheses.length} hypotheses but ${references.length} references`);
  }
  const counts: [number, number, number, number] = [0, 0, 0, 0];
  const totals: [number, number, number, number] = [0, 0, 0, 0];
  let sysLen = 0;
  let refLen = 0;
  for (let i = 0; i < hypotheses.length; i++) {
    const hypTokens = segmentTokens(hypotheses[i]);
    const refTokens = segmentTokens(references[i]);
    sysLen += hypTokens.length;
    refLen += refTokens.length;
    const hypNgrams = ngramCounts(hypTokens);
    const refNgrams = ngramCounts(refTokens);
    for (let order = 0; order < MAX_ORDER; order++) {
      for (const [ngram, hypCount] of hypNgrams[order]) {
        totals[order] += hypCount;
        counts[order] += Math.min(hypCount, refNgrams[order].get(ngram) ?? 0);
      }
    }
  }

  let bp = 1;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0;

  const precisions: [number, number, number, number] = [0, 0, 0, 0];
  if (counts.every((count) => count === 0)) {
    return { score: 0, precisions, bp, sysLen, refLen, counts, totals };
  }

  // 'exp' smoothing (Chen & Cherry 2014, method 3, as in mteval-v13a): the k-th order with no
  // match gets precision 100 / (2^k · total). An order with no hypothesis n-grams at all stops the
  // loop and keeps precision 0, which the floored log turns into a score of 0.
  let smoothingDivisor = 1;
  for (let order = 0; order < MAX_ORDER; order++) {
    if (totals[order] === 0) break;
    if (counts[order] === 0) {
      smoothingDivisor *= 2;
      precisions[order] = 100 / (smoothingDivisor * totals[order]);
    } else {
      precisions[order] = (100 * counts[order]) / totals[order];
    }
  }
  const meanLog = precisions.reduce((sum, precision) => sum + flooredLog(precision), 0) / MAX_ORDER;
  return { score: bp * Math.exp(meanLog), precisions, bp, sysLen, refLen, counts, totals };
}

/**
 * Five sentence pairs that exercise the 13a rules (punctuation, digit hyphens and decimals,
 * HTML entities, a repeated word) for docs/methods.md and the sacreBLEU agreement test.
 */
export const bleuWorkedExample: { readonly hypotheses: readonly string[]; readonly references: readonly string[] } = {
  hypotheses: [
    'The cat sat on the the mat.',
    'In 1990-1995, prices rose by 3.5% (roughly).',
    'He said &quot;hello&quot; to the well-known author.',
    "We don't know what happened next",
    'The results , however , were surprising!',
  ],
  references: [
    'The cat sat on the mat.',
    'Between 1990-1995, prices rose by about 3.5%.',
    'He said "hello" to the well-known writer.',
    'We do not know what happened next.',
    'However, the results were surprising!',
  ],
};
