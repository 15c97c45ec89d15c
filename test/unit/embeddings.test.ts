import { describe, expect, it } from 'vitest';
import { fillMissingVectors, rowSources } from '../../src/embeddings/fillMissing';
import type { InAppEmbeddings } from '../../src/embeddings/ppmiSvd';
import { analogy, nearestNeighbours, qualityReport, type EmbeddingSpace } from '../../src/embeddings/quality';
import { multiply, thinQr } from '../../src/math/linalg';
import { normalSampler } from '../../src/math/random';

const gaussian = (rows: number, cols: number, seed: number) => {
  const normal = normalSampler(seed);
  return Float64Array.from({ length: rows * cols }, () => normal());
};

function rowNorm(vectors: Float32Array, row: number, m: number): number {
  return Math.hypot(...vectors.subarray(row * m, (row + 1) * m));
}

describe('filling words the shipped vectors lack', () => {
  const k = 6;
  const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
  const inAppRows = gaussian(40, k, 1);
  inAppRows.fill(0, 0, k); // word 0 never occurs in the text: no in-app vector
  const inApp: InAppEmbeddings = {
    vectors: Float32Array.from(inAppRows),
    vocabSize: 40,
    dimension: k,
    singularValues: new Float64Array(k),
    device: 'cpu',
  };
  // The shipped space is the in-app one rotated; it lacks words 0–4 and lists an extra word.
  const rotation = thinQr(gaussian(k, k, 2), k, k).q;
  const rotated = multiply(Float64Array.from(inApp.vectors), rotation, 40, k, k);
  const pretrained = {
    words: [...words.slice(5), 'extra'],
    vectors: [...rotated.slice(5 * k), ...new Array<number>(k).fill(1)],
    dimension: k,
  };

  it('gives every vocabulary word a unit vector, from the shipped table, the map or a seeded direction', () => {
    const table = fillMissingVectors(words, inApp, pretrained);
    expect(table.vectors.length).toBe(40 * k);
    for (let w = 0; w < 40; w++) expect(rowNorm(table.vectors, w, k)).toBeCloseTo(1, 6);
    expect(table.source[0]).toBe(rowSources.random);
    expect([...table.source.slice(1, 5)]).toEqual(new Array(4).fill(rowSources.mapped));
    expect(table.source.slice(5).every((s) => s === rowSources.pretrained)).toBe(true);
    expect(table.sharedWords).toBe(35);
    expect(table.fitCosine).toBeCloseTo(1, 6);
  });

  it('maps a missing word onto where the shipped table would have put it', () => {
    const table = fillMissingVectors(words, inApp, pretrained);
    const expected = rotated.subarray(3 * k, 4 * k);
    const norm = Math.hypot(...expected);
    table.vectors.subarray(3 * k, 4 * k).forEach((v, j) => expect(v).toBeCloseTo(expected[j]! / norm, 5));
  });

  it('uses the in-app vectors directly when nothing is shipped (a user’s own language)', () => {
    const table = fillMissingVectors(words, inApp);
    expect(table.dimension).toBe(k);
    expect(table.source.slice(1).every((s) => s === rowSources.inApp)).toBe(true);
    for (let w = 0; w < 40; w++) expect(rowNorm(table.vectors, w, k)).toBeCloseTo(1, 6);
    expect(Number.isNaN(table.fitCosine)).toBe(true);
  });

  it('refuses shipped vectors that share no word with the text', () => {
    expect(() =>
      fillMissingVectors(words, inApp, { words: ['other'], vectors: new Array<number>(k).fill(1), dimension: k }),
    ).toThrow(/No word/);
  });
});

describe('embedding quality checks', () => {
  // A toy space where gender and royalty are two axes: king − man + woman lands on queen.
  const space: EmbeddingSpace = {
    words: ['man', 'woman', 'king', 'queen', 'apple', 'prince'],
    vectors: [1, 0, 0.1, /**/ 0, 1, 0.1, /**/ 1, 0, 1, /**/ 0, 1, 1, /**/ 0.1, 0.1, -1, /**/ 0.9, 0.1, 0.8],
    dimension: 3,
  };

  it('finds nearest neighbours by cosine, the word itself excluded', () => {
    const nearest = nearestNeighbours(space, 'king', 2);
    expect(nearest.map((n) => n.word)).toEqual(['prince', 'man']);
    expect(nearest[0]!.cosine).toBeCloseTo((0.9 + 0.8) / (Math.SQRT2 * Math.hypot(0.9, 0.1, 0.8)), 12);
  });

  it('answers king − man + woman with queen, never with a query word', () => {
    expect(analogy(space, 'man', 'king', 'woman')[0]!.word).toBe('queen');
    const all = analogy(space, 'man', 'king', 'woman', 6).map((n) => n.word);
    expect(all).not.toContain('king');
    expect(all).not.toContain('man');
    expect(all).not.toContain('woman');
  });

  it('reports only probes and analogies whose words are in the table', () => {
    const report = qualityReport(
      space,
      ['king', 'absent'],
      [
        ['man', 'king', 'woman'],
        ['x', 'y', 'z'],
      ],
      1,
    );
    expect(report.neighbours.map((n) => n.word)).toEqual(['king']);
    expect(report.analogies).toHaveLength(1);
    expect(() => nearestNeighbours(space, 'absent')).toThrow(/'absent' is not in the embedding table/);
  });
});
