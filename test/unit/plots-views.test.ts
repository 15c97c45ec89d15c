import type { PlotData } from 'plotly.js';
import { describe, expect, it } from 'vitest';
import { embeddingFigure, labelledWords } from '../../src/app/views/embeddingFigure';
import { sameToken, sampleRows, tokenAt, type DecodedToken } from '../../src/app/views/samples';
import type { EvalPoint } from '../../src/train/record';
import { record, view } from './plots-fixtures';

const token = (text: string, x?: number, y?: number): DecodedToken => ({
  token: text,
  kappa: 12.5,
  neighbours: [
    { token: 'b', score: 0.9 },
    { token: 'offmap', score: 0.8 },
    { token: 'c', score: 0.7 },
  ],
  ...(x === undefined ? {} : { x, y }),
});

const evalWith = (step: number, samples: EvalPoint['samples']): EvalPoint => ({
  step,
  wallMs: step,
  validLoss: 0,
  accuracy1: 0,
  accuracy5: 0,
  samples,
});

describe('sampleRows', () => {
  const first = view(
    record('softmax', {
      evals: [
        evalWith(1, [{ source: 'old', reference: 'old', hypothesis: 'stale' }]),
        evalWith(2, [
          { source: 's1', reference: 'r1', hypothesis: 'h1' },
          { source: 's2', reference: 'r2', hypothesis: '<b>h2</b>' },
        ]),
      ],
    }),
  );
  const second = view(
    record('vmf', {
      evals: [
        evalWith(3, [
          { source: 's2', reference: 'r2', hypothesis: 'v2', tokens: [token('v2', 0, 0)] },
          { source: 's3', reference: 'r3', hypothesis: 'v3' },
        ]),
      ],
    }),
  );
  const rows = sampleRows([first, second, view(record('softmax'))]);

  it('joins the latest samples of each run on source and reference', () => {
    expect(rows.map((row) => [row.source, row.reference])).toEqual([
      ['s1', 'r1'],
      ['s2', 'r2'],
      ['s3', 'r3'],
    ]);
    expect(rows.map((row) => row.hypotheses.map((h) => h?.text))).toEqual([
      ['h1', undefined, undefined],
      ['<b>h2</b>', 'v2', undefined],
      [undefined, 'v3', undefined],
    ]);
    expect(rows[1]!.hypotheses[1]).toMatchObject({ sample: 0, step: 3 });
  });

  it('resolves a token reference against the run’s latest samples', () => {
    const runs = [first, second];
    expect(tokenAt(runs, { run: 1, sample: 0, token: 0 })?.token).toBe('v2');
    expect(tokenAt(runs, { run: 1, sample: 1, token: 0 })).toBeUndefined();
    expect(tokenAt(runs, { run: 5, sample: 0, token: 0 })).toBeUndefined();
    expect(tokenAt(runs, null)).toBeUndefined();
    expect(sameToken({ run: 1, sample: 0, token: 0 }, { run: 1, sample: 0, token: 0 })).toBe(true);
    expect(sameToken({ run: 1, sample: 0, token: 0 }, null)).toBe(false);
  });

  it('is empty before any evaluation', () => {
    expect(sampleRows([view(record('vmf'))])).toEqual([]);
    expect(sampleRows([])).toEqual([]);
  });
});

describe('embeddingFigure', () => {
  const words = Array.from({ length: 20 }, (_, i) => `w${i}`);
  words[3] = 'b';
  words[labelledWords + 2] = 'c';
  const map = { words, x: words.map((_, i) => i), y: words.map((_, i) => -i) };

  it('draws every word with hover text and labels only the first few', () => {
    const [all, labels, ...rest] = embeddingFigure(map, '#123456').data as Partial<PlotData>[];
    expect(all!.text).toEqual(words);
    expect(labels!.text).toEqual(words.slice(0, labelledWords));
    expect(rest).toEqual([]);
  });

  it('highlights the predicted direction and links it to the neighbours that are on the map', () => {
    const data = embeddingFigure(map, '#123456', token('pred', 0.5, 0.25)).data as Partial<PlotData>[];
    const [lines, neighbours, star] = data.slice(2);
    expect(lines!.x).toEqual([0.5, 3, null, 0.5, labelledWords + 2, null]);
    expect(lines!.y).toEqual([0.25, -3, null, 0.25, -(labelledWords + 2), null]);
    // 'b' is among the labelled most frequent words, 'c' is not.
    expect(neighbours!.text).toEqual(['', 'c']);
    expect(neighbours!.customdata).toEqual([
      ['b', 0.9],
      ['c', 0.7],
    ]);
    expect(star!.x).toEqual([0.5]);
    expect(star!.marker?.color).toBe('#123456');
  });

  it('draws no direction for a token without map coordinates', () => {
    expect(embeddingFigure(map, '#123456', token('pred')).data).toHaveLength(2);
  });
});
