// The user's files as a task sees them: a fixed split (the last 5 % for validation), the catalogue
// that validation uses, and prepareTask reading uploaded text and vectors without touching a file.
import { describe, expect, it } from 'vitest';
import type { ReadAsset } from '../../src/data/assets';
import { defaultConfig, parseConfig, shippedDatasets, type ExperimentConfig } from '../../src/experiments/config';
import { mergeConfig } from '../../src/experiments/overrides';
import { prepareTask } from '../../src/experiments/task';
import {
  catalogWith,
  uploadSplit,
  uploadsUsedBy,
  validationCount,
  type UploadedData,
} from '../../src/experiments/uploads';

const noFiles: ReadAsset = (path) => Promise.reject(new Error(`read ${path}: uploaded data must not read files`));

describe('the split of an uploaded dataset', () => {
  it.each([
    [1, 1],
    [19, 1],
    [40, 2],
    [1000, 50],
    [10_000, 500],
    [20_000, 500],
  ])('holds out the last twentieth, at least 1 and at most 500: of %i lines, %i', (total, valid) => {
    expect(validationCount(total)).toBe(valid);
    const lines = Array.from({ length: total }, (_, i) => i);
    expect(uploadSplit(lines, 'valid')).toEqual(lines.slice(total - valid));
    expect(uploadSplit(lines, 'train')).toEqual(lines.slice(0, total - valid));
  });
});

const colours = ['red', 'blue', 'green', 'black', 'white'];
const things = ['house', 'car', 'dog', 'cat', 'boat', 'tree', 'bird', 'door'];
/** 40 pairs of a toy language whose words map one to one onto English. */
const pairs = Array.from({ length: 40 }, (_, i) => {
  const colour = colours[i % colours.length]!;
  const thing = things[(i * 3) % things.length]!;
  return { src: `el ${thing}-o ${colour}-o`, tgt: `the ${colour} ${thing}` };
});
const dimension = 16;
const vectorWords = ['the', ...colours, ...things.slice(0, 6), 'unrelated'];
const uploads: UploadedData = {
  datasets: {
    'upload:pairs.tsv': { kind: 'parallel', src: pairs.map((p) => p.src), tgt: pairs.map((p) => p.tgt) },
    'upload:corpus.txt': { kind: 'corpus', lines: pairs.map((p) => p.tgt) },
  },
  // Deliberately not unit length: prepareTask normalises them as GloVe's are.
  vectors: {
    name: 'tiny.vec',
    words: vectorWords,
    vectors: Float32Array.from({ length: vectorWords.length * dimension }, (_, i) => Math.sin(i * 1.7) * 3),
    dimension,
  },
};

function config(overrides: Parameters<typeof mergeConfig>[1]): ExperimentConfig {
  const base = mergeConfig(
    defaultConfig,
    {
      dataset: 'upload:pairs.tsv',
      data: { sourceVocab: 32, targetVocab: 32, maxLength: 12, trainSentences: 0, validSentences: 10 },
      embeddings: { source: 'uploaded', dimension },
    },
    catalogWith(uploads),
  );
  return mergeConfig(base, overrides, catalogWith(uploads));
}

describe('the catalogue with uploads', () => {
  it('adds uploaded datasets by kind and the vectors’ dimension, so configs naming them validate', () => {
    const catalog = catalogWith(uploads);
    expect(catalog.parallel).toEqual([...shippedDatasets.parallel, 'upload:pairs.tsv']);
    expect(catalog.corpora).toEqual([...shippedDatasets.corpora, 'upload:corpus.txt']);
    expect(catalog.vectorDimension).toBe(dimension);
    expect(parseConfig(config({}), shippedDatasets)).toHaveProperty('errors');
  });

  it('sends the worker only the uploads the runs name', () => {
    const used = uploadsUsedBy(uploads, [config({})]);
    expect(Object.keys(used.datasets)).toEqual(['upload:pairs.tsv']);
    expect(used.vectors).toBe(uploads.vectors);
    expect(uploadsUsedBy(uploads, [config({ embeddings: { source: 'in-app', dimension } })]).vectors).toBeUndefined();
  });
});

describe('prepareTask with uploaded data (CPU SVD)', () => {
  it('trains on all but the last pairs, preferring the uploaded vectors (normalised) where they have the word', async () => {
    const before = uploads.vectors!.vectors.slice();
    const task = await prepareTask(noFiles, config({}), { uploads });
    expect(task.train).toHaveLength(38);
    expect(task.validText.map((t) => t.reference)).toEqual(pairs.slice(38).map((p) => p.tgt));
    expect(task.tableDimension).toBe(dimension);
    expect(task.pretrainedShare).toBeGreaterThan(0.3);
    expect(uploads.vectors!.vectors).toEqual(before);

    const row = (id: number) => task.targetTable.subarray(id * dimension, (id + 1) * dimension);
    const uploaded = before.subarray(
      vectorWords.indexOf('red') * dimension,
      (vectorWords.indexOf('red') + 1) * dimension,
    );
    const norm = Math.hypot(...uploaded);
    expect([...row(task.targetVocabulary.id('red'))].map((v) => v.toFixed(5))).toEqual(
      [...uploaded].map((v) => (v / norm).toFixed(5)),
    );
    // "door" has no uploaded vector: its row is the in-app one mapped into the uploaded space.
    expect(Math.hypot(...row(task.targetVocabulary.id('door')))).toBeCloseTo(1, 5);
  });

  it('reads an uploaded corpus for a language model', async () => {
    const lm = config({
      task: 'language-model',
      dataset: 'upload:corpus.txt',
      model: { encoderLayers: 0 },
      embeddings: { source: 'in-app', dimension },
    });
    const task = await prepareTask(noFiles, lm, { uploads });
    expect(task.sourceVocabulary).toBeNull();
    expect(task.train.length).toBeGreaterThan(0);
    expect(task.pretrainedShare).toBe(0);
  });

  it("counts a language model's sentences in windows of data.maxLength tokens, however long the lines", async () => {
    const speech = Array.from({ length: 500 }, (_, i) => `word${i % 37}`).join(' ');
    const longLines: UploadedData = {
      datasets: { 'upload:corpus.txt': { kind: 'corpus', lines: Array.from({ length: 40 }, () => speech) } },
    };
    const lm = config({
      task: 'language-model',
      dataset: 'upload:corpus.txt',
      data: { trainSentences: 30, validSentences: 5, maxLength: 8 },
      model: { encoderLayers: 0 },
      embeddings: { source: 'in-app', dimension },
    });
    const task = await prepareTask(noFiles, lm, { uploads: longLines });
    expect(task.train).toHaveLength(30);
    expect(task.valid).toHaveLength(5);
    for (const example of [...task.train, ...task.valid]) expect(example.target.length).toBe(8);
  });

  it('says to upload again when the page no longer holds the file or the vectors', async () => {
    await expect(
      prepareTask(noFiles, config({}), { uploads: { datasets: {}, vectors: uploads.vectors } }),
    ).rejects.toThrow('No uploaded parallel text named upload:pairs.tsv: upload the file again');
    await expect(prepareTask(noFiles, config({}), { uploads: { datasets: uploads.datasets } })).rejects.toThrow(
      /no word vectors are uploaded/,
    );
  });
});
