import { describe, expect, it } from 'vitest';
import { bleu, bleuWorkedExample, tokenize13a, type BleuResult } from '../../src/math/bleu';

/** Compares every field; scores and precisions to 1e-9 (sacreBLEU prints floats, not exact values). */
function expectBleu(got: BleuResult, want: BleuResult): void {
  expect(got.counts).toEqual(want.counts);
  expect(got.totals).toEqual(want.totals);
  expect(got.sysLen).toBe(want.sysLen);
  expect(got.refLen).toBe(want.refLen);
  expect(got.bp).toBeCloseTo(want.bp, 9);
  got.precisions.forEach((precision, i) => expect(precision).toBeCloseTo(want.precisions[i], 9));
  expect(got.score).toBeCloseTo(want.score, 9);
}

describe('tokenize13a', () => {
  // Every expected string below is what sacreBLEU 2.6.0's Tokenizer13a returns for the input.
  it.each([
    ['Hello, world!', 'Hello , world !'],
    // A hyphen after a digit is split; one between letters is kept.
    ['1990-1995 and well-known', '1990 - 1995 and well-known'],
    // Period and comma between digits stay; a sentence-final period is split.
    ['3.5 and 1,000 but end.', '3.5 and 1,000 but end .'],
    ['x.. y,,z', 'x . . y , , z'],
    ['U.S.A. e.g.', 'U . S . A . e . g .'],
    // The apostrophe is not in the punctuation class.
    ["don't (stop) <skipped> now", "don't ( stop ) now"],
    // Entities are decoded in mteval's order, so "&amp;lt;" becomes "<".
    ['&quot;quoted&quot; &amp; &lt;b&gt; &amp;lt;', '" quoted " & < b > <'],
    // "-\n" joins a word broken across lines; other newlines become spaces.
    ['a-\nb\nc', 'ab c'],
    ['$5/hour: 50%; {a}|[b]~^_`@#=+*', '$ 5 / hour : 50 % ; { a } | [ b ] ~ ^ _ ` @ # = + *'],
    // Non-ASCII punctuation is left attached.
    ['ünïcode—dash “curly”', 'ünïcode—dash “curly”'],
  ])('%j → %j', (input, expected) => {
    expect(tokenize13a(input)).toBe(expected);
  });
});

describe('bleu, hand-computed', () => {
  it('gives 100 for identical sentences', () => {
    // counts = totals = [5, 4, 3, 2]; every precision 100; c = r = 5 so bp = 1; BLEU = 100.
    expectBleu(bleu(['a b c d e'], ['a b c d e']), {
      score: 100,
      precisions: [100, 100, 100, 100],
      bp: 1,
      sysLen: 5,
      refLen: 5,
      counts: [5, 4, 3, 2],
      totals: [5, 4, 3, 2],
    });
  });

  it('smooths a missing 4-gram match and applies the brevity penalty', () => {
    // hyp "the cat sat down", ref "the cat sat on the mat":
    // 1-grams the, cat, sat match: 3/4 = 75; 2-grams "the cat", "cat sat": 2/3 = 66.667;
    // 3-gram "the cat sat": 1/2 = 50; 4-gram 0/1 → first zero order, 100 / (2 · 1) = 50.
    // c = 4 < r = 6: bp = exp(1 − 6/4) = exp(−0.5) = 0.606531.
    // BLEU = 0.606531 · (75 · 66.667 · 50 · 50)^(1/4) = 0.606531 · 12 500 000^(1/4) = 0.606531 · 59.4604 = 36.0645.
    expectBleu(bleu(['the cat sat down'], ['the cat sat on the mat']), {
      score: 36.06452879987789,
      precisions: [75, 200 / 3, 50, 50],
      bp: Math.exp(-0.5),
      sysLen: 4,
      refLen: 6,
      counts: [3, 2, 1, 0],
      totals: [4, 3, 2, 1],
    });
  });

  it('doubles the smoothing divisor for each further order without matches', () => {
    // hyp "a b x y", ref "a b c d": 1-grams 2/4 = 50; 2-grams 1/3 = 33.333;
    // 3-grams 0/2 → 100 / (2 · 2) = 25; 4-grams 0/1 → 100 / (4 · 1) = 25; c = r = 4, bp = 1.
    // BLEU = (50 · 33.333 · 25 · 25)^(1/4) = 1 041 666.7^(1/4) = 31.9472.
    expectBleu(bleu(['a b x y'], ['a b c d']), {
      score: 31.947155212313625,
      precisions: [50, 100 / 3, 25, 25],
      bp: 1,
      sysLen: 4,
      refLen: 4,
      counts: [2, 1, 0, 0],
      totals: [4, 3, 2, 1],
    });
  });

  it('applies the brevity penalty to an otherwise perfect prefix', () => {
    // hyp "the cat sat on" is a prefix of the 6-token reference: all precisions 100,
    // bp = exp(1 − 6/4) = 0.606531, BLEU = 60.6531.
    expectBleu(bleu(['the cat sat on'], ['the cat sat on the mat']), {
      score: 100 * Math.exp(-0.5),
      precisions: [100, 100, 100, 100],
      bp: Math.exp(-0.5),
      sysLen: 4,
      refLen: 6,
      counts: [4, 3, 2, 1],
      totals: [4, 3, 2, 1],
    });
  });

  it('is case-sensitive', () => {
    // "The" ≠ "the": 1-grams 5/6, 2-grams 4/5, 3-grams 3/4, 4-grams 2/3 (each loses the n-gram starting at "The").
    // BLEU = (83.333 · 80 · 75 · 66.667)^(1/4) = 33 333 333^(1/4) = 75.9836.
    const result = bleu(['The cat sat on the mat'], ['the cat sat on the mat']);
    expect(result.counts).toEqual([5, 4, 3, 2]);
    expect(result.score).toBeCloseTo(75.98356856515926, 9);
  });

  it('scores an empty hypothesis 0 with brevity penalty 0', () => {
    // c = 0: sacreBLEU sets bp = 0 and, with no matches at all, returns 0 with zero precisions.
    expectBleu(bleu([''], ['the cat']), {
      score: 0,
      precisions: [0, 0, 0, 0],
      bp: 0,
      sysLen: 0,
      refLen: 2,
      counts: [0, 0, 0, 0],
      totals: [0, 0, 0, 0],
    });
  });

  it('scores 0 when the corpus has no 4-grams at all, even with perfect lower orders', () => {
    // Three tokens give no 4-gram: smoothing stops there, precision 4 stays 0 and log(0) is floored.
    const result = bleu(['a b c'], ['a b c']);
    expect(result.precisions).toEqual([100, 100, 100, 0]);
    expect(result.score).toBe(0);
  });

  it('scores 0 when nothing matches', () => {
    expect(bleu(['x y z w'], ['a b c d']).score).toBe(0);
  });

  it('rejects corpora of different lengths', () => {
    expect(() => bleu(['a', 'b'], ['a'])).toThrow(/2 hypotheses but 1 references/);
  });
});

describe('bleu agrees with sacreBLEU on the worked example', () => {
  // Expected figures from sacreBLEU 2.6.0 (signature nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0):
  //   python3 -c "import sacrebleu; b = sacrebleu.corpus_bleu(HYPS, [REFS]);
  //               print(b.score, b.precisions, b.bp, b.sys_len, b.ref_len, b.counts, b.totals)"
  // with HYPS, REFS = bleuWorkedExample.hypotheses, .references, and HYPS with consecutive
  // duplicate tokens removed for the second figure.
  it('without duplicate removal', () => {
    expectBleu(bleu(bleuWorkedExample.hypotheses, bleuWorkedExample.references), {
      score: 55.12804537872222,
      precisions: [78.26086956521739, 60.97560975609756, 50.0, 38.70967741935484],
      bp: 1,
      sysLen: 46,
      refLen: 44,
      counts: [36, 25, 18, 12],
      totals: [46, 41, 36, 31],
    });
  });

  it('with duplicate removal ("on the the mat" → "on the mat")', () => {
    const deduplicated = bleu(
      bleuWorkedExample.hypotheses.map((text) => text.replace('the the', 'the')),
      bleuWorkedExample.references,
    );
    expectBleu(deduplicated, {
      score: 59.657573567908656,
      precisions: [80.0, 62.5, 54.285714285714285, 46.666666666666664],
      bp: 1,
      sysLen: 45,
      refLen: 44,
      counts: [36, 25, 19, 14],
      totals: [45, 40, 35, 30],
    });
  });
});
