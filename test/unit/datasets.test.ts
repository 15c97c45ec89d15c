import { gunzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReadAsset } from '../../src/data/assets';
import { readNodeAsset } from '../../src/data/assetsNode';
import { measureCoverage, tokenCounts } from '../../src/data/coverage';
import { decodeFloat16, encodeFloat16 } from '../../src/data/float16';
import {
  loadCorpus,
  loadGlove,
  loadManifest,
  loadParallel,
  type GloveVectors,
  type ParallelText,
} from '../../src/data/datasets';
import { sha256Hex, splits, type Manifest, type Split } from '../../src/data/manifest';

// Every shipped file is read and decompressed once, here; the tests below only look at the results.
let manifest: Manifest;
let glove: GloveVectors;
const parallel: Record<string, Record<Split, ParallelText>> = {};
const corpora: Record<string, Record<Split, string[]>> = {};

beforeAll(async () => {
  manifest = await loadManifest(readNodeAsset);
  glove = await loadGlove(readNodeAsset);
  for (const name of Object.keys(manifest.parallel)) {
    const [train, valid, test] = await Promise.all(splits.map((split) => loadParallel(readNodeAsset, name, split)));
    parallel[name] = { train: train, valid: valid, test: test };
  }
  for (const name of Object.keys(manifest.corpora)) {
    const [train, valid, test] = await Promise.all(splits.map((split) => loadCorpus(readNodeAsset, name, split)));
    corpora[name] = { train: train, valid: valid, test: test };
  }
});

const bookOf = (ref: string) => ref.slice(0, ref.lastIndexOf(' '));
const wordCount = (lines: string[]) => lines.reduce((sum, line) => sum + line.split(' ').filter(Boolean).length, 0);

describe('shipped files', () => {
  it('match the checksums and sizes in the manifest', async () => {
    const paths = Object.keys(manifest.files);
    expect(paths.length).toBeGreaterThanOrEqual(17);
    for (const path of paths) {
      const bytes = await readNodeAsset(path);
      const content = await sha256Hex(gunzipSync(bytes));
      expect({ path, sha256: await sha256Hex(bytes), contentSha256: content, bytes: bytes.length }).toEqual({
        path,
        ...manifest.files[path],
      });
    }
    const total = Object.values(manifest.files).reduce((sum, file) => sum + file.bytes, 0);
    expect(total).toBeLessThan(25e6);
  });

  it('refuse to load a file whose bytes differ from the manifest, naming it', async () => {
    const corrupting: ReadAsset = async (path) => {
      const bytes = await readNodeAsset(path);
      if (path === 'moby-dick.valid.txt.gz') bytes[bytes.length - 9] ^= 1;
      return bytes;
    };
    await expect(loadCorpus(corrupting, 'moby-dick', 'valid')).rejects.toThrow(
      /'moby-dick\.valid\.txt\.gz' is corrupt/,
    );
  });

  it('load from a server that decompresses .gz files on the way (Content-Encoding: gzip), still verified', async () => {
    const decoding: ReadAsset = async (path) =>
      path.endsWith('.gz') ? gunzipSync(await readNodeAsset(path)) : readNodeAsset(path);
    expect(await loadCorpus(decoding, 'moby-dick', 'valid')).toEqual(
      await loadCorpus(readNodeAsset, 'moby-dick', 'valid'),
    );
    const tampering: ReadAsset = async (path) => {
      const bytes = await decoding(path);
      if (path === 'moby-dick.valid.txt.gz') bytes[5] ^= 1;
      return bytes;
    };
    await expect(loadCorpus(tampering, 'moby-dick', 'valid')).rejects.toThrow(/'moby-dick\.valid\.txt\.gz' is corrupt/);
  });
});

describe.each(['bible-es-en', 'bible-kjv-en'])('%s', (name) => {
  it('has plausible pair counts that match the manifest', () => {
    const task = manifest.parallel[name];
    for (const split of splits) {
      const text = parallel[name][split];
      expect(text.src.length).toBe(task.splits[split].pairs);
      expect(text.tgt.length).toBe(text.src.length);
      expect(wordCount(text.tgt)).toBe(task.splits[split].targetWords);
      expect(text.src.every((line) => line.length > 0) && text.tgt.every((line) => line.length > 0)).toBe(true);
    }
    const total = splits.reduce((sum, split) => sum + parallel[name][split].src.length, 0);
    expect(total).toBeGreaterThan(30_900);
    expect(total).toBeLessThan(31_102);
  });

  it('puts Ruth, Jonah and Philippians in test, Esther and Titus in valid, and no verse of them in train', () => {
    const books = (split: Split) => new Set(parallel[name][split].refs.map(bookOf));
    expect([...books('test')].sort()).toEqual(['Jonah', 'Philippians', 'Ruth']);
    expect([...books('valid')].sort()).toEqual(['Esther', 'Titus']);
    const train = books('train');
    for (const book of ['Ruth', 'Jonah', 'Philippians', 'Esther', 'Titus']) expect(train.has(book)).toBe(false);
    expect(train.size).toBe(66 - 5);
    // Whole books: Ruth has 4 chapters of 22 + 23 + 18 + 22 verses, Titus 16 + 15 + 15.
    expect(parallel[name].test.refs.filter((ref) => bookOf(ref) === 'Ruth')).toHaveLength(85);
    expect(parallel[name].valid.refs.filter((ref) => bookOf(ref) === 'Titus')).toHaveLength(46);
  });

  it('keeps splits disjoint by verse key and by exact source and target text', () => {
    const [train, valid, test] = splits.map((split) => parallel[name][split]);
    for (const field of ['refs', 'src', 'tgt'] as const) {
      const seen = new Set(test[field]);
      expect(valid[field].filter((value) => seen.has(value))).toEqual([]);
      for (const value of valid[field]) seen.add(value);
      expect(train[field].filter((value) => seen.has(value))).toEqual([]);
    }
    expect(new Set(train.refs).size).toBe(train.refs.length);
  });

  it('reports the GloVe coverage of its target side as recomputed from the files', () => {
    const words = new Set(glove.words);
    const targets = splits.flatMap((split) => parallel[name][split].tgt);
    const coverage = measureCoverage(tokenCounts(targets), (word) => words.has(word));
    expect(coverage).toEqual(manifest.parallel[name].targetCoverage);
    expect(coverage.tokens).toBeGreaterThan(0.9);
  });
});

describe.each(['sotu', 'brown', 'moby-dick'])('%s', (name) => {
  it('matches the manifest line and word counts', () => {
    for (const split of splits) {
      const lines = corpora[name][split];
      expect(lines.length).toBe(manifest.corpora[name].splits[split].lines);
      expect(wordCount(lines)).toBe(manifest.corpora[name].splits[split].words);
    }
  });

  it('reports the GloVe coverage of its text as recomputed from the files', () => {
    const words = new Set(glove.words);
    const lines = splits.flatMap((split) => corpora[name][split]);
    expect(measureCoverage(tokenCounts(lines), (word) => words.has(word))).toEqual(
      manifest.corpora[name].targetCoverage,
    );
  });
});

describe('GloVe slice', () => {
  it('has unit rows, one per listed word', () => {
    expect(glove.vectors.length).toBe(glove.words.length * glove.dim);
    expect(glove.words.length).toBe(manifest.glove.words);
    expect(new Set(glove.words).size).toBe(glove.words.length);
    for (const row of [0, 1000, glove.words.length - 1]) {
      const vector = glove.vectors.subarray(row * glove.dim, (row + 1) * glove.dim);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
  });

  it('answers king − man + woman with queen at cosine ≈ 0.77', () => {
    const index = new Map(glove.words.map((word, i) => [word, i]));
    const row = (word: string) =>
      glove.vectors.subarray(index.get(word)! * glove.dim, (index.get(word)! + 1) * glove.dim);
    const [king, man, woman] = [row('king'), row('man'), row('woman')];
    const query = king.map((value, j) => value - man[j] + woman[j]);
    const queryNorm = Math.hypot(...query);
    let best = { word: '', cosine: -Infinity };
    glove.words.forEach((word, i) => {
      if (word === 'king' || word === 'man' || word === 'woman') return;
      let dot = 0;
      for (let j = 0; j < glove.dim; j++) dot += glove.vectors[i * glove.dim + j] * query[j];
      if (dot / queryNorm > best.cosine) best = { word, cosine: dot / queryNorm };
    });
    expect(best.word).toBe('queen');
    expect(best.cosine).toBeCloseTo(0.77, 2);
  });
});

describe('float16 codec', () => {
  it('rounds to the nearest half (ties to even) and keeps subnormals, infinities and signs', () => {
    const values = [0, -0, 1, -2, 0.1, 65504, 70000, -Infinity, 2 ** -24, 2 ** -25 * 3, 1 + 2 ** -11, 1 + 3 * 2 ** -11];
    const expected = [0, -0, 1, -2, 0.0999755859375, 65504, Infinity, -Infinity, 2 ** -24, 2 ** -23, 1, 1 + 2 ** -9];
    expect(Array.from(decodeFloat16(encodeFloat16(values)))).toEqual(expected);
    expect(Number.isNaN(decodeFloat16(encodeFloat16([NaN]))[0])).toBe(true);
    expect(Array.from(encodeFloat16([1]))).toEqual([0x00, 0x3c]);
  });
});
