import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defaultConfig, parseConfig, shippedDatasets, type ExperimentConfig } from '../../src/experiments/config';
import { ConfigError, issueLine } from '../../src/experiments/configIssues';
import { syntheticDatasets } from '../../src/experiments/synthetic';
import {
  applyOverrides,
  differingSettings,
  parseAssignment,
  parseAssignments,
  runLabel,
} from '../../src/experiments/overrides';
import type { HeadSpec } from '../../src/heads';

const errorsOf = (input: unknown): string[] => {
  const result = parseConfig(input);
  return 'errors' in result ? result.errors : [];
};
const withChange = (path: string, value: unknown) => {
  const copy = structuredClone(defaultConfig) as unknown as Record<string, Record<string, unknown>>;
  const [group, key] = path.split('.');
  if (key === undefined) (copy as Record<string, unknown>)[group!] = value;
  else copy[group!]![key] = value;
  return copy;
};
const vmf: HeadSpec = {
  kind: 'vmf',
  regularizer: { kind: 'reg1+reg2', lambda1: 0.02, lambda2: 0.1 },
  approximate: false,
};

describe('the experiment config schema', () => {
  it('types the head as HeadSpec, each assignable to the other', () => {
    expectTypeOf<ExperimentConfig['head']>().toExtend<HeadSpec>();
    expectTypeOf<HeadSpec>().toExtend<ExperimentConfig['head']>();
  });

  it('accepts the defaults unchanged', () => {
    expect(parseConfig(defaultConfig)).toEqual({ config: defaultConfig });
  });

  it("lists the shipped manifest's datasets and the built-in synthetic tasks", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../public/data/manifest.json', import.meta.url), 'utf8'));
    expect([...shippedDatasets.parallel].sort()).toEqual(
      [...Object.keys(manifest.parallel), ...Object.keys(syntheticDatasets)].sort(),
    );
    expect([...shippedDatasets.corpora].sort()).toEqual(Object.keys(manifest.corpora).sort());
  });

  it.each([
    ['train.steps', 0, 'train.steps must be an integer from 1 to'],
    ['train.steps', 2.5, 'train.steps must be an integer from 1 to'],
    ['train.steps', 'many', 'train.steps must be an integer from 1 to'],
    ['model.dropout', 1.5, 'model.dropout must be a number from 0 to 0.9, got 1.5'],
    ['train.learningRate', 0, 'train.learningRate must be a number above 0 and at most 1, got 0'],
    ['model.heads', 3, 'model.heads must divide model.dModel (256), got 3'],
    ['model.backbone', 'gru', 'model.backbone must be one of "transformer", "lstm", got "gru"'],
    ['embeddings.dimension', 50, 'embeddings.dimension must be 100 with embeddings.source "glove"'],
    ['head', { kind: 'hierarchical-softmax' }, 'head.kind must be one of "softmax", "vmf"'],
    ['head', { kind: 'max-margin' }, 'head.margin must be a number above 0 and at most 2, got nothing'],
    [
      'head',
      { kind: 'vmf', regularizer: { kind: 'reg2', lambda2: 0 } },
      'head.regularizer.lambda2 must be a number above 0',
    ],
    [
      'dataset',
      'sotu',
      'dataset must be a parallel dataset for task "translation" ("bible-es-en", "bible-kjv-en", "synthetic-copy", "synthetic-reverse"), got "sotu"',
    ],
    ['version', 2, 'version must be 1, got 2'],
  ])('names the field and the allowed values: %s = %j', (path, value, message) => {
    const errors = errorsOf(withChange(path, value));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it('refuses a tied output layer with the frozen table as decoder input (nothing trainable to tie to)', () => {
    const tiedBoth = {
      ...defaultConfig,
      model: { ...defaultConfig.model, tiedInput: true },
      head: { kind: 'mos', tied: true },
    };
    expect(errorsOf(tiedBoth)).toEqual([
      'head.tied must be false with model.tiedInput (the decoder then reads the frozen target table, not a trainable one to tie to), got head "mos" tied',
    ]);
  });

  it('allows one vocabulary for both sides only for word-level translation with equal sizes', () => {
    const shared = (data: Record<string, unknown>, rest: Record<string, unknown> = {}) =>
      errorsOf({ ...defaultConfig, ...rest, data: { ...defaultConfig.data, sharedVocabulary: true, ...data } });
    expect(shared({})).toEqual([]);
    expect(shared({ sourceVocab: 500 })).toEqual([
      'data.sourceVocab must equal data.targetVocab (8000) with data.sharedVocabulary, got 500',
    ]);
    expect(shared({ targetTokenization: 'bpe' })).toEqual([
      'data.sharedVocabulary needs data.targetTokenization "word" (the source side is words)',
    ]);
    const lm = { task: 'language-model', dataset: 'sotu', model: { ...defaultConfig.model, encoderLayers: 0 } };
    expect(shared({}, lm)).toEqual([
      'data.sharedVocabulary needs task "translation" (a language model has no source side), got "language-model"',
    ]);
  });

  it('numbers unknown words only for word-level translation, leaving room for words', () => {
    const numbered = (data: Record<string, unknown>, rest: Record<string, unknown> = {}) =>
      errorsOf({ ...defaultConfig, ...rest, data: { ...defaultConfig.data, numberedUnknowns: 8, ...data } });
    expect(numbered({})).toEqual([]);
    expect(numbered({ targetTokenization: 'bpe' })).toEqual([
      'data.numberedUnknowns needs data.targetTokenization "word" (subword targets have no unknown words)',
    ]);
    expect(numbered({ sourceVocab: 20, numberedUnknowns: 13 })).toEqual([
      'data.numberedUnknowns must leave room for words in the vocabularies (at most 12 of 20), got 13',
    ]);
    expect(numbered({ sourceVocab: 20, numberedUnknowns: 12 })).toEqual([]);
    const lm = { task: 'language-model', dataset: 'sotu', model: { ...defaultConfig.model, encoderLayers: 0 } };
    expect(numbered({}, lm)).toEqual([
      'data.numberedUnknowns needs task "translation" (the numbers point into a source sentence), got "language-model"',
    ]);
  });

  it('reports every problem at once, unknown settings included', () => {
    const input = { ...withChange('train.steps', -1), extra: 1, data: { ...defaultConfig.data, vocab: 3 } };
    expect(errorsOf(input)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('train.steps must be'),
        'extra is not a known setting',
        'data.vocab is not a known setting',
      ]),
    );
  });

  it('requires an encoder for translation and none for a language model', () => {
    expect(errorsOf(withChange('model.encoderLayers', 0))).toEqual([
      expect.stringContaining('model.encoderLayers must be at least 1'),
    ]);
    const lm = { ...defaultConfig, task: 'language-model', dataset: 'sotu' };
    expect(errorsOf(lm)).toEqual([expect.stringContaining('model.encoderLayers must be 0 for task "language-model"')]);
    expect(errorsOf({ ...lm, model: { ...defaultConfig.model, encoderLayers: 0 }, head: vmf })).toEqual([]);
  });

  it('gives each problem its setting as a path, and the other settings a rule involves', () => {
    const input = { ...withChange('model.heads', 3), data: { ...defaultConfig.data, vocab: 3 }, dataset: 'sotu' };
    const schema = parseConfig(input);
    expect(schema).toEqual({
      errors: ['data.vocab is not a known setting', 'model.heads must divide model.dModel (256), got 3'],
      issues: [
        { path: 'data.vocab', message: 'is not a known setting' },
        { path: 'model.heads', message: 'must divide model.dModel (256), got 3', related: ['model.dModel'] },
      ],
    });
    // The catalogue is checked once the schema passes.
    expect(parseConfig({ ...defaultConfig, dataset: 'sotu' })).toMatchObject({
      issues: [{ path: 'dataset', message: expect.stringMatching(/^must be a parallel dataset/), related: ['task'] }],
    });
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = parseConfig(value);
        return !('errors' in result) || result.errors.every((line, i) => line === issueLine(result.issues[i]!));
      }),
    );
  });

  it('checks datasets against a given catalogue', () => {
    expect(parseConfig({ ...defaultConfig, dataset: 'mine' }, { parallel: ['mine'], corpora: [] })).toHaveProperty(
      'config',
    );
  });

  describe('embeddings.source "uploaded"', () => {
    const uploaded = (dimension: number) => ({ ...defaultConfig, embeddings: { source: 'uploaded', dimension } });
    const withVectors = (dimension: number) => ({ ...shippedDatasets, vectorDimension: dimension });
    const errorsWith = (input: unknown, catalog = shippedDatasets) => {
      const result = parseConfig(input, catalog);
      return 'errors' in result ? result.errors : [];
    };

    it('is valid only once vectors are uploaded, at their dimension', () => {
      expect(errorsWith(uploaded(50))).toEqual([
        'embeddings.source must be "glove", "in-app" or a random source until word vectors are uploaded, got "uploaded"',
      ]);
      expect(errorsWith(uploaded(50), withVectors(50))).toEqual([]);
      expect(errorsWith(uploaded(64), withVectors(50))).toEqual([
        'embeddings.dimension must be 50 with embeddings.source "uploaded" (the uploaded vectors are 50-d), got 64',
      ]);
    });

    it('accepts 16 to 1024 dimensions, while in-app tables stay at most 300 and GloVe at 100', () => {
      expect(errorsWith(uploaded(1024), withVectors(1024))).toEqual([]);
      expect(errorsWith(uploaded(1025), withVectors(1025))).toEqual([
        expect.stringContaining('embeddings.dimension must be an integer from 16 to 1024'),
      ]);
      expect(errorsWith({ ...defaultConfig, embeddings: { source: 'in-app', dimension: 300 } })).toEqual([]);
      expect(errorsWith({ ...defaultConfig, embeddings: { source: 'in-app', dimension: 301 } })).toEqual([
        'embeddings.dimension must be an integer from 16 to 300 with embeddings.source "in-app", got 301',
      ]);
      expect(
        errorsWith({ ...defaultConfig, embeddings: { source: 'glove', dimension: 300 } }, withVectors(300)),
      ).toEqual([expect.stringContaining('must be 100 with embeddings.source "glove"')]);
    });
  });

  describe('random target tables', () => {
    const errorsWith = (embeddings: object) => {
      const result = parseConfig({ ...defaultConfig, embeddings });
      return 'errors' in result ? result.errors : [];
    };

    it('takes any dimension of the schema, and no mix weight but 1', () => {
      for (const source of ['random-sphere', 'random-hypercube']) {
        expect(errorsWith({ source, dimension: 16 })).toEqual([]);
        expect(errorsWith({ source, dimension: 1024, pretrainedWeight: 1 })).toEqual([]);
        expect(errorsWith({ source, dimension: 64, pretrainedWeight: 0.5 })).toEqual([
          `embeddings.pretrainedWeight must be 1 with embeddings.source "${source}" (a random table has no pretrained rows to mix in), got 0.5`,
        ]);
      }
    });

    it('mixes a pretrained table at a weight from 0 to 1, 1 when left out', () => {
      const parsed = parseConfig({ ...defaultConfig, embeddings: { source: 'glove', dimension: 100 } });
      expect(parsed).toHaveProperty('config.embeddings.pretrainedWeight', 1);
      expect(errorsWith({ source: 'in-app', dimension: 32, pretrainedWeight: 0 })).toEqual([]);
      expect(errorsWith({ source: 'glove', dimension: 100, pretrainedWeight: 1.5 })).toEqual([
        expect.stringContaining('embeddings.pretrainedWeight must be'),
      ]);
    });
  });

  it('fills the vMF normaliser choice when it is left out', () => {
    const result = parseConfig({ ...defaultConfig, head: { kind: 'vmf', regularizer: { kind: 'none' } } });
    expect(result).toHaveProperty('config.head.approximate', false);
  });

  it('never throws, whatever it is given', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const input of [cyclic, Object.create(null), 10n, Symbol('x'), { ...defaultConfig, dataset: 10n }])
      expect(() => parseConfig(input)).not.toThrow();
    fc.assert(
      fc.property(fc.anything(), (input) => Array.isArray((parseConfig(input) as { errors?: string[] }).errors)),
    );
  });
});

describe('dotted overrides', () => {
  it('parses values as JSON when they are JSON and as text otherwise', () => {
    expect(parseAssignment('train.steps=500')).toEqual({ path: 'train.steps', value: 500 });
    expect(parseAssignment('dataset=sotu')).toEqual({ path: 'dataset', value: 'sotu' });
    expect(parseAssignment('head={"kind":"l2"}')).toEqual({ path: 'head', value: { kind: 'l2' } });
    expect(parseAssignment('model.tiedInput=true')).toEqual({ path: 'model.tiedInput', value: true });
    expect(parseAssignment('label=a=b')).toEqual({ path: 'label', value: 'a=b' });
    expect(() => parseAssignment('train.steps')).toThrow(/path=value/);
    expect(() => parseAssignment('.x=1')).toThrow(/path=value/);
    expect(parseAssignments(['train.steps=1', 'train.steps=2'])).toEqual({ 'train.steps': 2 });
  });

  it('applies overrides without touching the original', () => {
    const config = applyOverrides(defaultConfig, { 'train.steps': 500, 'model.dModel': 128, head: vmf });
    expect(config.train.steps).toBe(500);
    expect(config.model.dModel).toBe(128);
    expect(config.head).toEqual(vmf);
    expect(defaultConfig.train.steps).toBe(2000);
  });

  it('takes a random target table or a mix from the command line as `--set` gives them', () => {
    const random = applyOverrides(
      defaultConfig,
      parseAssignments(['embeddings.source=random-sphere', 'embeddings.dimension=64']),
    );
    expect(random.embeddings).toEqual({ source: 'random-sphere', dimension: 64, pretrainedWeight: 1 });
    const mix = applyOverrides(defaultConfig, parseAssignments(['embeddings.pretrainedWeight=0.25']));
    expect(mix.embeddings).toEqual({ source: 'glove', dimension: 100, pretrainedWeight: 0.25 });
    expect(() => applyOverrides(mix, parseAssignments(['embeddings.source=random-hypercube']))).toThrow(
      'embeddings.pretrainedWeight must be 1 with embeddings.source "random-hypercube"',
    );
  });

  it('replaces an object whose kind changes and merges one whose kind stays', () => {
    const config = applyOverrides(defaultConfig, { head: vmf });
    expect(applyOverrides(config, { 'head.regularizer.lambda1': 0.05 }).head).toEqual({
      ...vmf,
      regularizer: { kind: 'reg1+reg2', lambda1: 0.05, lambda2: 0.1 },
    });
    expect(applyOverrides(config, { 'head.regularizer': { kind: 'reg1', lambda1: 0.1 } }).head).toEqual({
      ...vmf,
      regularizer: { kind: 'reg1', lambda1: 0.1 },
    });
    expect(applyOverrides(config, { 'head.kind': 'l2' }).head).toEqual({ kind: 'l2' });
  });

  it('throws a ConfigError listing unknown paths and bad values', () => {
    let caught: unknown;
    try {
      applyOverrides(defaultConfig, { 'train.stepz': 5, 'model.heads': 7, 'train.steps': 'x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const { errors, message } = caught as ConfigError;
    expect(errors).toEqual(
      expect.arrayContaining([
        'train.stepz is not a known setting',
        expect.stringContaining('train.steps must be an integer'),
      ]),
    );
    expect(message).toContain('train.stepz');
    expect(() => applyOverrides(defaultConfig, { train: 3, 'train.steps': 4 })).toThrow(/train.steps cannot be set/);
  });

  it('lists the differing settings as dotted paths, a changed head kind as one', () => {
    const other = applyOverrides(defaultConfig, { 'train.learningRate': 1e-3, head: vmf });
    expect(differingSettings(defaultConfig, other)).toEqual({ 'train.learningRate': 1e-3, head: vmf });
    const lambda = applyOverrides(other, { 'head.regularizer.lambda2': 0.2 });
    expect(differingSettings(other, lambda)).toEqual({ 'head.regularizer.lambda2': 0.2 });
    expect(differingSettings(other, other)).toEqual({});
  });

  it('labels a run by how it differs', () => {
    const other = applyOverrides(defaultConfig, { 'train.learningRate': 1e-3, head: vmf, dataset: 'bible-kjv-en' });
    expect(runLabel(defaultConfig, other)).toBe(
      'head: NLLvMF reg1+reg2 λ1=0.02 λ2=0.1, dataset: bible-kjv-en, train.learningRate: 0.001',
    );
    expect(runLabel(defaultConfig, defaultConfig)).toBe('baseline');
    expect(runLabel(defaultConfig, defaultConfig, ['head'])).toBe('head: softmax');
    expect(runLabel(defaultConfig, applyOverrides(defaultConfig, { 'head.tied': true }))).toBe('head: softmax (tied)');
  });
});
