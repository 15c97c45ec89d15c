import { describe, expect, it } from 'vitest';
import { runColor, runColors } from '../../src/app/plots/colors';
import { extent, histogram, normaliseRange } from '../../src/app/plots/histogram';
import { emptyMessage, finiteOrNull, latestEval } from '../../src/app/plots/runView';
import { record, view } from './plots-fixtures';

describe('histogram', () => {
  it('counts values into equal bins, the maximum in the last bin', () => {
    expect(histogram([0, 0.1, 0.5, 0.99, 1], 2)).toEqual({ edges: [0, 0.5, 1], counts: [2, 3] });
  });

  it('ignores non-finite values and values outside a given range', () => {
    const { edges, counts } = histogram([NaN, Infinity, -1, 1, 2, 3, 10], 2, [1, 3]);
    expect(edges).toEqual([1, 2, 3]);
    expect(counts).toEqual([1, 2]);
  });

  it('gives a single distinct value a bin of width 1 and an empty input zero counts', () => {
    expect(histogram([4, 4, 4], 1)).toEqual({ edges: [3.5, 4.5], counts: [3] });
    expect(histogram([], 3).counts).toEqual([0, 0, 0]);
  });

  it('keeps every finite value when binning over its own range', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 50 + i / 7);
    const { counts } = histogram(values, 17);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('rejects a bin count that is not a positive whole number', () => {
    expect(() => histogram([1], 0)).toThrow(RangeError);
    expect(() => histogram([1], 2.5)).toThrow(RangeError);
  });
});

describe('normaliseRange', () => {
  it('maps the finite range to [0, 1], including negative NLLvMF-like losses', () => {
    expect(normaliseRange([-40, -20, 0])).toEqual([0, 0.5, 1]);
  });

  it('turns non-finite values into gaps and a flat series into zeros', () => {
    expect(normaliseRange([2, NaN, 4, Infinity])).toEqual([0, null, 1, null]);
    expect(normaliseRange([3, 3])).toEqual([0, 0]);
    expect(normaliseRange([NaN])).toEqual([null]);
  });

  it('extent skips non-finite values', () => {
    expect(extent([NaN, 5, -Infinity, 2])).toEqual([2, 5]);
    expect(extent([])).toBeUndefined();
  });
});

describe('run colours', () => {
  it('gives each index a fixed colour, distinct for the first seven runs', () => {
    const colours = runColors(7);
    expect(new Set(colours).size).toBe(7);
    expect(runColors(3)).toEqual(colours.slice(0, 3));
    colours.forEach((colour, i) => expect(runColor(i)).toBe(colour));
    expect(colours.every((c) => /^#[0-9A-F]{6}$/.test(c))).toBe(true);
  });

  it('repeats the palette past its end and returns nothing for n ≤ 0', () => {
    expect(runColor(7)).toBe(runColor(0));
    expect(runColors(0)).toEqual([]);
  });
});

describe('run helpers', () => {
  it('finds the latest evaluation that has the field', () => {
    const rec = record('vmf', {
      evals: [
        { step: 1, wallMs: 1, validLoss: 1, accuracy1: 0, accuracy5: 0, kappas: [1] },
        { step: 2, wallMs: 2, validLoss: 1, accuracy1: 0, accuracy5: 0, samples: [] },
        { step: 3, wallMs: 3, validLoss: 1, accuracy1: 0, accuracy5: 0 },
      ],
    });
    expect(latestEval(rec, 'kappas')?.step).toBe(1);
    expect(latestEval(rec, 'samples')?.step).toBe(2);
    expect(latestEval(record('softmax'), 'samples')).toBeUndefined();
  });

  it('maps non-finite numbers to null', () => {
    expect([1, NaN, Infinity, undefined].map(finiteOrNull)).toEqual([1, null, null, null]);
  });

  it('explains an empty plot', () => {
    expect(emptyMessage([], () => true, 'waiting')).toMatch(/No runs/);
    expect(emptyMessage([view(record('softmax'))], () => false, 'waiting')).toBe('waiting');
    expect(emptyMessage([view(record('softmax'))], () => true, 'waiting')).toBeUndefined();
  });
});
