import { describe, expect, it } from 'vitest';
import { bleu } from '../../src/math/bleu';
import { bleuWithAndWithoutDuplicates, removeConsecutiveDuplicates } from '../../src/train/hypothesisBleu';

describe('removeConsecutiveDuplicates', () => {
  it('drops a token equal to the one before it, keeping later repeats', () => {
    expect(removeConsecutiveDuplicates(['the', 'the', 'the', 'cat', 'sat', 'the'])).toEqual([
      'the',
      'cat',
      'sat',
      'the',
    ]);
  });

  it('compares tokens exactly, so case keeps them apart', () => {
    expect(removeConsecutiveDuplicates(['The', 'the', 'mat', '.', 'mat'])).toEqual(['The', 'the', 'mat', '.', 'mat']);
  });

  it('removes repeated punctuation tokens', () => {
    expect(removeConsecutiveDuplicates(['yes', ',', ',', 'he', '.', '.'])).toEqual(['yes', ',', 'he', '.']);
  });
});

describe('bleuWithAndWithoutDuplicates removes duplicates before detokenising, as evaluate.sh does', () => {
  // Three decoded sentences, each with one repeated token: a word before punctuation, a comma, a word.
  const hypotheses = [
    ['the', 'food', 'was', 'good', 'good', '.'],
    ['yes', ',', ',', 'he', 'said', 'that', 'it', 'was', 'true', '.'],
    ['we', 'went', 'to', 'the', 'the', 'market', 'on', 'sunday', '.'],
  ];
  const references = ['the food was good.', 'yes, he said that it was true.', 'we went to the market on sunday.'];

  it('scores the detokenised tokens as raw BLEU', () => {
    // 13a tokens of "the food was good good.", "yes,, he said that it was true.", "we went to the the market on
    // sunday.": 6 + 10 + 9 = 25 against 5 + 9 + 8 = 22. Matches per order (sentence by sentence):
    // 1-grams 5+9+8 = 22/25, 2-grams 4+8+7 = 19/22, 3-grams 2+6+5 = 13/19, 4-grams 1+5+3 = 9/16; bp = 1.
    // BLEU = 100 · (0.88 · 0.863636 · 0.684211 · 0.5625)^(1/4) = 73.5413.
    const { raw } = bleuWithAndWithoutDuplicates(hypotheses, references);
    expect(raw.counts).toEqual([22, 19, 13, 9]);
    expect(raw.totals).toEqual([25, 22, 19, 16]);
    expect(raw.score).toBeCloseTo(100 * (0.88 * (19 / 22) * (13 / 19) * (9 / 16)) ** 0.25, 9);
    expect(raw.score).toBeCloseTo(73.54132792652025, 9);
  });

  it('gives 100 after removal, where removing duplicates from the detokenised text gives 82.93', () => {
    // Token-level removal turns every hypothesis into its reference: BLEU 100.
    const { deduplicated } = bleuWithAndWithoutDuplicates(hypotheses, references);
    expect(deduplicated.counts).toEqual(deduplicated.totals);
    expect(deduplicated.score).toBeCloseTo(100, 9);
    // Removing repeated words from the detokenised text catches only "the the": "good good." and
    // "yes,," survive, so 1-grams 22/24, 2-grams 19/21, 3-grams 14/18, 4-grams 11/15 — BLEU 82.93.
    const textOrder = bleu(
      ['the food was good good.', 'yes,, he said that it was true.', 'we went to the market on sunday.'],
      references,
    );
    expect(textOrder.score).toBeCloseTo(82.93267532283514, 9);
    expect(deduplicated.score - textOrder.score).toBeGreaterThan(17);
  });
});
