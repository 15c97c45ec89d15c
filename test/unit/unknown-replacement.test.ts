import { describe, expect, it } from 'vitest';
import { isUnresolvedUnknown, unknownReplacements } from '../../src/train/unknownReplacement';

const source = ['el', 'señor', 'García', 'vive', 'en', 'Toledo', '.'];

/** An attention row over `source` peaking at `best` (0.5) with `second` next (0.3), the rest sharing 0.2. */
function row(best: number, second: number, length = source.length): number[] {
  const rest = 0.2 / (length - 2);
  return Array.from({ length }, (_, s) => (s === best ? 0.5 : s === second ? 0.3 : rest));
}

describe('unknownReplacements (the reference -replace_unk rule, no lexicon)', () => {
  it('replaces an <unk> by the source token under maximum attention', () => {
    const hypothesis = ['mr', '<unk>', 'lives', 'in', 'toledo'];
    const attention = [row(1, 0), row(2, 1), row(3, 2), row(4, 3), row(5, 4)];
    expect([...unknownReplacements(source, hypothesis, attention)]).toEqual([[1, 'García']]);
  });

  it('takes the second best when the best is "," or "."', () => {
    const hypothesis = ['<unk>', 'a', 'b', 'c', 'd', 'e'];
    // Best is "." (position 6), more than half the sentence away too; second best "señor".
    expect(unknownReplacements(source, hypothesis, [row(6, 1)]).get(0)).toBe('señor');
    // Best is "." and close (position 5 of the hypothesis, distance 1/7): still the second best.
    expect(
      unknownReplacements(source, ['a', 'b', 'c', 'd', 'e', '<unk>'], [[], [], [], [], [], row(6, 5)]).get(5),
    ).toBe('Toledo');
  });

  it('takes the second best when the best lies more than half the source length away, not at exactly half', () => {
    const far = ['a', 'b', 'c', 'd', 'e', 'f', '<unk>'];
    const rows = (r: number[]) => [...Array.from({ length: 6 }, () => []), r];
    // |2 − 6| / 7 = 0.571 > 0.5: second best (position 5).
    expect(unknownReplacements(source, far, rows(row(2, 5))).get(6)).toBe('Toledo');
    // Two words, <unk> at 0 attending position 1: |1 − 0| / 2 = 0.5, not more: the best stays.
    expect(unknownReplacements(['uno', 'dos'], ['<unk>'], [[0.2, 0.8]]).get(0)).toBe('dos');
    // The same distance rule looks backwards: <unk> at 6 attending position 1 → 5/7 away.
    expect(unknownReplacements(source, far, rows(row(1, 4))).get(6)).toBe('en');
  });

  it('ignores attention on padding past the source length and keeps the best when there is no second', () => {
    const padded = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3];
    expect(unknownReplacements(source, ['<unk>'], [padded]).get(0)).toBe('el');
    expect(unknownReplacements(['.'], ['<unk>'], [[1, 0]]).get(0)).toBe('.');
  });

  it('leaves hypotheses without <unk> (and empty sources) alone', () => {
    expect(unknownReplacements(source, ['the', 'end'], []).size).toBe(0);
    expect(unknownReplacements([], ['<unk>'], [[]]).size).toBe(0);
  });

  it('resolves a numbered unknown from its word, and replaces one without a word like <unk>', () => {
    const hypothesis = ['<unk2>', '<unk5>', 'lives'];
    const attention = [row(0, 1), row(1, 0), row(3, 2)];
    const replacements = unknownReplacements(source, hypothesis, attention, ['señor', 'García']);
    expect([...replacements]).toEqual([
      [0, 'García'],
      [1, 'señor'],
    ]);
    expect(['<unk>', '<unk5>', 'lives', 'García'].map(isUnresolvedUnknown)).toEqual([true, true, false, false]);
  });
});
