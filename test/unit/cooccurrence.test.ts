import { describe, expect, it } from 'vitest';
import { cooccurrenceCounts, ppmiFromCounts, ppmiMatrix } from '../../src/data/cooccurrence';
import { mulberry32 } from '../../src/math/random';
import { csrToDense } from '../../src/math/sparse';

describe('co-occurrence counts', () => {
  it('adds 1/d for each pair d ≤ window apart, in both orders', () => {
    const counts = csrToDense(cooccurrenceCounts([[0, 1, 2]], 3, { window: 2 }));
    expect([...counts]).toEqual([0, 1, 0.5, 1, 0, 1, 0.5, 1, 0]);
  });

  it('keeps windows inside a sequence and treats negative ids as gaps', () => {
    const split = csrToDense(cooccurrenceCounts([[0, 1], [2]], 3, { window: 5 }));
    expect([...split]).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 0]);
    const gap = csrToDense(cooccurrenceCounts([[0, -1, 2]], 3, { window: 2 }));
    expect([...gap]).toEqual([0, 0, 0.5, 0, 0, 0, 0.5, 0, 0]);
  });

  it('sums repeated pairs and stores columns ascending', () => {
    const counts = cooccurrenceCounts([[2, 0, 2, 0]], 3, { window: 1 });
    expect([...counts.offsets]).toEqual([0, 1, 1, 2]);
    expect([...counts.columns]).toEqual([2, 0]);
    expect([...counts.values]).toEqual([3, 3]);
  });

  it('refuses ids outside the vocabulary and a bad window', () => {
    expect(() => cooccurrenceCounts([[0, 3]], 3)).toThrow(/Token id 3 at position 1 .* V=3/);
    expect(() => cooccurrenceCounts([[0]], 3, { window: 0 })).toThrow(/window/);
  });
});

describe('PPMI', () => {
  it('matches a hand-computed example (window 2, α = 0.75)', () => {
    // Counts [[0,1,.5],[1,0,1],[.5,1,0]]: row and context sums 1.5, 2, 1.5; Σ #(c)^0.75 = 4.392593.
    // PPMI(0,1) = log(1·4.392593 / (1.5·2^0.75)) = 0.554596, PPMI(0,2) = log(0.5·4.392593 / (1.5·1.5^0.75))
    // = 0.077210, PPMI(1,0) = log(4.392593 / (2·1.5^0.75)) = 0.482675.
    const ppmi = ppmiMatrix([[0, 1, 2]], 3, { window: 2 });
    const expected = [0, 0.554596, 0.07721, 0.482675, 0, 0.482675, 0.07721, 0.554596, 0];
    csrToDense(ppmi).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
  });

  it('equals the definition computed densely, and stores only positive values', () => {
    const uniform = mulberry32(3);
    const V = 12;
    const corpus = Array.from({ length: 4 }, () => Array.from({ length: 60 }, () => Math.floor(uniform() ** 2 * V)));
    const counts = csrToDense(cooccurrenceCounts(corpus, V, { window: 3 }));
    const alpha = 0.6;
    const row = (w: number) => counts.slice(w * V, w * V + V).reduce((a, b) => a + b, 0);
    const context = (c: number) => Array.from({ length: V }, (_, w) => counts[w * V + c]!).reduce((a, b) => a + b, 0);
    const total = counts.reduce((a, b) => a + b, 0);
    const smoothedTotal = Array.from({ length: V }, (_, c) => context(c) ** alpha).reduce((a, b) => a + b, 0);
    let dropped = 0;
    const expected = Array.from(counts, (n, i) => {
      if (n === 0) return 0;
      const [w, c] = [Math.floor(i / V), i % V];
      const pmi = Math.log(n / total / ((row(w) / total) * (context(c) ** alpha / smoothedTotal)));
      if (pmi <= 0) dropped++;
      return Math.max(pmi, 0);
    });
    const ppmi = ppmiMatrix(corpus, V, { window: 3, contextSmoothing: alpha });
    expect(dropped).toBeGreaterThan(0);
    expect(ppmi.values.every((v) => v > 0)).toBe(true);
    csrToDense(ppmi).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
  });

  it('leaves rows of words that never occur empty', () => {
    const ppmi = ppmiFromCounts(cooccurrenceCounts([[1, 2, 1, 2, 3]], 5));
    expect(ppmi.offsets[1]! - ppmi.offsets[0]!).toBe(0);
    expect(ppmi.offsets[5]! - ppmi.offsets[4]!).toBe(0);
  });
});
