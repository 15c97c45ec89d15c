import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeExperiment, encodeExperiment, maxRuns, migrate, type ExperimentState } from '../../src/app/share/url';
import type { DeepPartial, ExperimentConfig } from '../../src/experiments/config';
import { applyOverrides, mergeConfig } from '../../src/experiments/overrides';
import { defaultPresetName, presets, resolvePreset } from '../../src/experiments/presets';
import { headOffers, type HeadSpec } from '../../src/heads/index';

const presetState = (preset: string, autostart = false): ExperimentState => ({
  preset,
  base: resolvePreset(preset).base,
  variants: structuredClone(presets[preset]!.variants),
  autostart,
});

const unit = fc.double({ min: 0.001, max: 1, noNaN: true });
/** Every registered head's menu entries (so a new head round-trips with no entry here), then wider ranges per head. */
const headArb: fc.Arbitrary<HeadSpec> = fc.oneof(
  fc.constantFrom(...headOffers.map((offer) => offer.spec)),
  fc.constant<HeadSpec>({ kind: 'softmax' }),
  fc.boolean().map((tied): HeadSpec => ({ kind: 'softmax', tied })),
  fc.constantFrom<HeadSpec>({ kind: 'l2' }, { kind: 'cosine' }),
  fc.record({ kind: fc.constantFrom('l2', 'cosine'), generatorLayerNorm: fc.boolean() }),
  fc.record(
    { kind: fc.constant('mos'), components: fc.integer({ min: 1, max: 64 }), tied: fc.boolean() },
    { requiredKeys: ['kind'] },
  ),
  fc.record(
    {
      kind: fc.constant('rewe'),
      lambda: fc.double({ min: 0.01, max: 100, noNaN: true }),
      regressorHidden: fc.integer({ min: 1, max: 4096 }),
      tied: fc.boolean(),
    },
    { requiredKeys: ['kind'] },
  ),
  fc.record({ kind: fc.constant('plif'), tied: fc.boolean(), frozen: fc.boolean() }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('max-margin'), margin: fc.double({ min: 0.01, max: 2, noNaN: true }) }),
  fc.record(
    {
      kind: fc.constantFrom('syn-margin-projection', 'syn-margin-difference'),
      margin: fc.double({ min: 0.01, max: 2, noNaN: true }),
      detachNegative: fc.boolean(),
    },
    { requiredKeys: ['kind', 'margin'] },
  ),
  fc.record({
    kind: fc.constant('vmf'),
    approximate: fc.boolean(),
    generatorLayerNorm: fc.boolean(),
    regularizer: fc.oneof(
      fc.constant({ kind: 'none' as const }),
      fc.record({ kind: fc.constant('reg1' as const), lambda1: unit }),
      fc.record({ kind: fc.constant('reg2' as const), lambda2: unit }),
      fc.record({ kind: fc.constant('reg1+reg2' as const), lambda1: unit, lambda2: unit }),
      fc.record({
        kind: fc.constant('log1p' as const),
        lambda: fc.double({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
      }),
    ),
  }),
) as fc.Arbitrary<HeadSpec>;

/** α of a mix with random rows, any double in [0, 1] (−0 reads back as 0, which the round trip would flag). */
const unitWeight = fc.double({ min: 0, max: 1, noNaN: true }).filter((x) => !Object.is(x, -0));

/** Edits within the schema's ranges; cross-field rules (heads | dModel, GloVe is 100-d) are kept by construction. */
const editsArb = fc.record(
  {
    dataset: fc.boolean(),
    data: fc.record(
      {
        sourceVocab: fc.integer({ min: 16, max: 200_000 }),
        maxLength: fc.integer({ min: 2, max: 1024 }),
        trainSentences: fc.integer({ min: 0, max: 10_000_000 }),
      },
      { requiredKeys: [] },
    ),
    embeddings: fc.oneof(
      fc.record(
        { source: fc.constant('glove' as const), dimension: fc.constant(100), pretrainedWeight: unitWeight },
        { requiredKeys: ['source', 'dimension'] },
      ),
      fc.record(
        {
          source: fc.constant('in-app' as const),
          dimension: fc.integer({ min: 16, max: 300 }),
          pretrainedWeight: unitWeight,
        },
        { requiredKeys: ['source', 'dimension'] },
      ),
      fc.record({
        source: fc.constantFrom('random-sphere', 'random-hypercube' as const),
        dimension: fc.integer({ min: 16, max: 1024 }),
      }),
    ),
    model: fc.record(
      {
        backbone: fc.constantFrom('transformer', 'lstm' as const),
        shape: fc
          .tuple(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 4, max: 64 }))
          .map(([heads, perHead]) => ({ heads, dModel: heads * perHead })),
        decoderLayers: fc.integer({ min: 1, max: 48 }),
        positions: fc.constantFrom('learned', 'sinusoidal' as const),
        dropout: fc.double({ min: 0, max: 0.9, noNaN: true }).filter((x) => !Object.is(x, -0)),
        tiedInput: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    head: headArb,
    train: fc.record(
      {
        steps: fc.integer({ min: 1, max: 10_000_000 }),
        learningRate: fc.double({ min: 1e-7, max: 1, noNaN: true }),
        decay: fc.constantFrom('none', 'linear', 'inverse-sqrt', 'cosine' as const),
        clip: fc.double({ min: 0, max: 1e6, noNaN: true }).filter((x) => !Object.is(x, -0)),
        dataSeed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        initSeed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const variantsArb = fc.option(
  fc.array(
    fc.oneof(
      headArb.map((head) => ({ head })),
      unit.map((lr) => ({ 'train.learningRate': lr })),
    ),
    { minLength: 1, maxLength: maxRuns },
  ),
  { nil: undefined },
);

type Edits = typeof editsArb extends fc.Arbitrary<infer T> ? T : never;

function editedState(
  preset: string,
  edits: Edits,
  variants: Array<Record<string, unknown>> | undefined,
  autostart: boolean,
): ExperimentState {
  const base = resolvePreset(preset).base;
  const { shape, ...model } = edits.model ?? {};
  const { dataset, ...rest } = edits;
  const partial: DeepPartial<ExperimentConfig> = { ...rest, model: { ...model, ...shape } };
  // One vocabulary for both sides has one size (kjv-web-live): a source-size edit edits both.
  const sourceVocab = rest.data?.sourceVocab;
  if (base.data.sharedVocabulary && sourceVocab !== undefined)
    partial.data = { ...rest.data, targetVocab: sourceVocab };
  // A dataset of the preset's own task: the other one of its kind.
  if (dataset) partial.dataset = base.task === 'translation' ? 'bible-kjv-en' : 'brown';
  return {
    preset,
    base: mergeConfig(base, partial),
    variants: variants ?? structuredClone(presets[preset]!.variants),
    autostart,
  };
}

describe('encodeExperiment', () => {
  it('writes only the version, the preset and both seeds for an unedited preset', () => {
    expect(encodeExperiment(presetState('tiny-demo'))).toBe('?v=2&preset=tiny-demo&train.dataSeed=1&train.initSeed=1');
    expect(encodeExperiment(presetState('lm-sotu', true))).toBe(
      '?v=2&preset=lm-sotu&train.dataSeed=1&train.initSeed=1&run=1',
    );
  });

  it('writes changed settings as readable dotted keys', () => {
    const state = presetState('tiny-demo');
    state.base = applyOverrides(state.base, {
      'train.steps': 500,
      'model.backbone': 'lstm',
      dataset: 'bible-kjv-en',
      'train.initSeed': 9,
    });
    expect(encodeExperiment(state)).toBe(
      '?v=2&preset=tiny-demo&dataset=bible-kjv-en&model.backbone=lstm&train.steps=500&train.dataSeed=1&train.initSeed=9',
    );
  });

  it('writes a random target table and a mix weight as readable keys, and reads them back', () => {
    const random = presetState('tiny-demo');
    random.base = applyOverrides(random.base, { 'embeddings.source': 'random-hypercube', 'embeddings.dimension': 512 });
    const randomLink = encodeExperiment(random);
    expect(randomLink).toContain('embeddings.source=random-hypercube&embeddings.dimension=512');
    expect(decodeExperiment(randomLink)).toEqual({ state: random, warnings: [] });
    const mix = presetState('tiny-demo');
    mix.base = applyOverrides(mix.base, { 'embeddings.pretrainedWeight': 0.3 });
    const mixLink = encodeExperiment(mix);
    expect(mixLink).toContain('embeddings.pretrainedWeight=0.3');
    expect(decodeExperiment(mixLink)).toEqual({ state: mix, warnings: [] });
  });

  it('writes a head of another kind whole and a same-kind change as a leaf', () => {
    const state = presetState('tiny-demo');
    state.base = applyOverrides(state.base, { head: { kind: 'max-margin', margin: 0.5 } });
    expect(new URLSearchParams(encodeExperiment(state)).get('head')).toBe('{"kind":"max-margin","margin":0.5}');
    state.base = applyOverrides(state.base, { 'head.margin': 0.25 });
    expect(new URLSearchParams(encodeExperiment(state)).get('head')).toBe('{"kind":"max-margin","margin":0.25}');
    const vmf = presetState('tiny-demo');
    vmf.base = applyOverrides(
      applyOverrides(vmf.base, { head: { kind: 'vmf', regularizer: { kind: 'log1p', lambda: 0.2 } } }),
      {},
    );
    const params = new URLSearchParams(encodeExperiment(vmf));
    expect(JSON.parse(params.get('head')!)).toEqual({
      kind: 'vmf',
      regularizer: { kind: 'log1p', lambda: 0.2 },
      approximate: false,
    });
  });

  it('writes the runs only when they differ from the preset', () => {
    const state = presetState('tiny-demo');
    expect(encodeExperiment(state)).not.toContain('runs=');
    state.variants = [{ head: { kind: 'l2' } }];
    expect(new URLSearchParams(encodeExperiment(state)).get('runs')).toBe('[{"head":{"kind":"l2"}}]');
  });

  it('quotes a string that would otherwise read back as JSON', () => {
    const state = presetState('tiny-demo');
    const catalog = { parallel: ['bible-es-en', 'true'], corpora: [] };
    state.base = { ...state.base, dataset: 'true' };
    const search = encodeExperiment(state);
    expect(new URLSearchParams(search).get('dataset')).toBe('"true"');
    expect(decodeExperiment(search, catalog).state.base.dataset).toBe('true');
  });
});

describe('decodeExperiment round trip', () => {
  it.each(Object.keys(presets))('reproduces edited %s states exactly', (preset) => {
    fc.assert(
      fc.property(editsArb, variantsArb, fc.boolean(), (edits, variants, autostart) => {
        // A tied output layer with model.tiedInput is refused by the schema (nothing trainable to tie to).
        const heads = [edits.head, ...(variants ?? []).map((v) => ('head' in v ? v.head : undefined))];
        fc.pre(!(edits.model?.tiedInput && heads.some((h) => h !== undefined && 'tied' in h && h.tied)));
        const state = editedState(preset, edits, variants, autostart);
        const { state: decoded, warnings } = decodeExperiment(encodeExperiment(state));
        expect(warnings).toEqual([]);
        expect(decoded).toEqual(state);
      }),
      { numRuns: 150 },
    );
  });

  it('opens a link without v as the current version, and an empty one as the default preset', () => {
    expect(decodeExperiment('preset=lm-sotu&train.steps=7')).toEqual({
      state: { ...presetState('lm-sotu'), base: applyOverrides(resolvePreset('lm-sotu').base, { 'train.steps': 7 }) },
      warnings: [],
    });
    expect(decodeExperiment('')).toEqual({ state: presetState(defaultPresetName), warnings: [] });
  });
});

describe('decodeExperiment warnings', () => {
  const decode = (search: string) => decodeExperiment(search);

  it('names an invalid value and keeps the preset value', () => {
    const { state, warnings } = decode('?v=1&preset=tiny-demo&train.steps=-3&train.learningRate=0.01');
    expect(state.base.train).toMatchObject({ steps: 150, learningRate: 0.01 });
    expect(warnings).toEqual([
      'Ignored train.steps="-3": train.steps must be an integer from 1 to 10000000, got -3. Using the preset\'s 150.',
    ]);
  });

  it('blames a setting that breaks a rule between fields', () => {
    const { state, warnings } = decode('?preset=vmf-vs-softmax&model.heads=3&train.steps=9');
    expect(state.base.model.heads).toBe(4);
    expect(state.base.train.steps).toBe(9);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('model.heads must divide model.dModel (256), got 3');
    // Only dModel named in the message: dModel is the one dropped.
    const other = decode('?preset=tiny-demo&model.dModel=63');
    expect(other.state.base.model.dModel).toBe(64);
    expect(other.warnings[0]).toMatch(/^Ignored model\.dModel="63": model\.heads must divide model\.dModel \(63\)/);
  });

  it("blames settings by their paths in the config's issues, not by words in its messages", () => {
    // A value that reads like another setting's path does not take that setting down with it.
    const value = decode('?preset=tiny-demo&dataset=train.steps&train.steps=9');
    expect(value.state.base.train.steps).toBe(9);
    expect(value.warnings).toEqual([
      expect.stringMatching(
        /^Ignored dataset="train\.steps": dataset must be a parallel dataset for task "translation" \(.+\), got "train\.steps"\. Using the preset's "bible-es-en"\.$/,
      ),
    ]);
    // The head is the other setting of the rule; "word embeddings" in its message names no setting.
    const related = decode(
      '?preset=tiny-demo&data.targetTokenization=bpe&head={"kind":"l2"}&embeddings={"source":"in-app","dimension":48}',
    );
    expect(related.state.base.embeddings).toEqual({ source: 'in-app', dimension: 48, pretrainedWeight: 1 });
    expect(related.state.base.head).toEqual({ kind: 'softmax' });
    expect(related.warnings.map((w) => /^Ignored ([\w.]+)=/.exec(w)?.[1])).toEqual(['data.targetTokenization', 'head']);
  });

  it('ignores unknown parameters and settings', () => {
    const { state, warnings } = decode('?preset=tiny-demo&colour=red&train.foo=1&__proto__=1&model.constructor.x=2');
    expect(state).toEqual(presetState('tiny-demo'));
    expect(warnings).toEqual([
      'Ignored unknown parameter "colour".',
      'Ignored unknown parameter "__proto__".',
      'Ignored unknown parameter "model.constructor.x".',
      'Ignored train.foo="1": train.foo is not a known setting.',
    ]);
  });

  it('opens the default preset for an unknown one', () => {
    const { state, warnings } = decode('?preset=<b>nope</b>&train.steps=5');
    expect(state.preset).toBe(defaultPresetName);
    expect(state.base.train.steps).toBe(5);
    expect(warnings[0]).toBe(
      `Unknown preset "<b>nope</b>"; opening ${defaultPresetName} instead (available: ${Object.keys(presets).join(', ')}).`,
    );
  });

  it('reports malformed JSON in a structured value', () => {
    const head = decode('?head={"kind":"vmf"');
    expect(head.state.base.head).toEqual({ kind: 'softmax' });
    expect(head.warnings[0]).toMatch(/^Ignored head="\{\\"kind\\":\\"vmf\\"": head must be an object/);
    const runs = decode('?runs=[{"head":');
    expect(runs.state.variants).toEqual(presets['tiny-demo']!.variants);
    expect(runs.warnings[0]).toMatch(/^Ignored runs: not valid JSON \(.+\)\. Using the preset's 2 runs\.$/);
  });

  it('drops invalid runs one by one', () => {
    const runs: unknown[] = [
      { head: { kind: 'l2' } },
      { head: { kind: 'vmf' } },
      'x',
      { 'train.bogus': 1 },
      JSON.parse('{"constructor":1}'),
    ];
    const { state, warnings } = decode(`?runs=${encodeURIComponent(JSON.stringify(runs))}`);
    expect(state.variants).toEqual([{ head: { kind: 'l2' } }]);
    expect(warnings).toEqual([
      'Ignored runs[1]: head.regularizer is missing (expected object).',
      'Ignored runs[2]: must be an object of dotted settings, got "x".',
      'Ignored runs[3]: train.bogus is not a known setting.',
      'Ignored runs[4]: "constructor" is not a known setting.',
    ]);
    expect(decode('?runs=[]').warnings[0]).toMatch(/must be a JSON array of 1 to 16 runs, got \[\]/);
    expect(decode('?runs=[{"__proto__":{"x":1}}]').warnings[0]).toMatch(/"__proto__" key is not allowed/);
  });

  it('reports repeated keys, an unknown version and a bad run flag', () => {
    const { state, warnings } = decode('?v=7&train.steps=5&train.steps=6&run=yes');
    expect(state.base.train.steps).toBe(6);
    expect(state.autostart).toBe(false);
    expect(warnings).toEqual([
      'Unknown link version v="7"; reading it as version 2, so some settings may be ignored.',
      '"train.steps" appears 2 times; using the last.',
      'Ignored run="yes": must be 1 (start training when the link opens) or 0.',
    ]);
  });

  it('caps the number of warnings', () => {
    const search = Array.from({ length: 50 }, (_, i) => `junk${i}=1`).join('&');
    const { warnings } = decode(search);
    expect(warnings).toHaveLength(21);
    expect(warnings.at(-1)).toBe('…and 30 more problems with this link.');
  });
});

describe('legacy links', () => {
  it('migrates v=0 names', () => {
    expect(
      migrate(0, [
        ['steps', '5'],
        ['seed', '3'],
        ['dataset', 'x'],
      ]),
    ).toEqual([
      ['train.steps', '5'],
      ['train.dataSeed', '3'],
      ['train.initSeed', '3'],
      ['dataset', 'x'],
    ]);
    expect(migrate(1, [['steps', '5']])).toEqual([['steps', '5']]);
  });

  it('opens a v=0 link with a note', () => {
    const { state, warnings } = decodeExperiment(
      '?v=0&preset=tiny-demo&steps=500&lr=0.001&batch=8&backbone=lstm&seed=7&autostart=1',
    );
    expect(state.base.train).toMatchObject({
      steps: 500,
      learningRate: 0.001,
      batchSentences: 8,
      dataSeed: 7,
      initSeed: 7,
    });
    expect(state.base.model.backbone).toBe('lstm');
    expect(state.autostart).toBe(true);
    expect(warnings).toEqual([
      'This link comes from an older version of Continuum (v=0); its settings were translated to the current names.',
      expect.stringMatching(
        /^This link was made by an earlier version of Continuum \(v=0\): the LSTM backbone now attends/,
      ),
    ]);
  });
});
