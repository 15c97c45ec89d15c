import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/experiments/config';
import { differingSettings } from '../../src/experiments/overrides';
import { defaultPresetName, presets, resolvePreset } from '../../src/experiments/presets';

describe('presets', () => {
  it.each(Object.keys(presets))('%s resolves into valid runs with distinct labels', (name) => {
    const { base, runs } = resolvePreset(name);
    expect(presets[name]!.name).toBe(name);
    expect(runs).toHaveLength(presets[name]!.variants.length);
    expect(parseConfig(base)).toEqual({ config: base });
    for (const run of runs) expect(parseConfig(run.config)).toEqual({ config: run.config });
    expect(new Set(runs.map((run) => run.label)).size).toBe(runs.length);
    // Comparisons vary the output layer or its target table only; everything else is shared.
    const varies = (p: string) => p === 'head' || p.startsWith('head.') || p.startsWith('embeddings.');
    for (const run of runs) expect(Object.keys(differingSettings(base, run.config)).every(varies)).toBe(true);
  });

  it('labels the tiny demo by its heads', () => {
    expect(resolvePreset('tiny-demo').runs.map((run) => run.label)).toEqual([
      'head: softmax',
      'head: NLLvMF log(1+κ)(λ−cos) λ=0.2',
    ]);
  });

  it('keeps the tiny demo tiny', () => {
    const { base } = resolvePreset('tiny-demo');
    expect(base.model).toMatchObject({ encoderLayers: 1, decoderLayers: 1, dModel: 64, heads: 2, ffn: 128 });
    expect(base.train.steps).toBeLessThanOrEqual(200);
    expect(base.data.maxLength).toBeLessThanOrEqual(12);
  });

  it("opens on the live comparison, a smaller version of the results suite's main one", () => {
    expect(defaultPresetName).toBe('kjv-web-live');
    const live = resolvePreset('kjv-web-live');
    const suite = resolvePreset('kjv-web');
    expect(live.runs.map((r) => r.config.head)).toEqual(suite.runs.map((r) => r.config.head));
    // The same task, vocabularies and model; the suite trains longer, with GloVe targets and dropout.
    expect(live.base.dataset).toBe(suite.base.dataset);
    expect(live.base.data).toMatchObject({
      sourceVocab: suite.base.data.sourceVocab,
      targetVocab: suite.base.data.targetVocab,
      maxLength: suite.base.data.maxLength,
    });
    expect({ ...live.base.model, dropout: 0 }).toEqual({ ...suite.base.model, dropout: 0 });
    expect(live.base.train.steps).toBeLessThanOrEqual(300);
  });

  it('ties neither run of the paper comparison, so only the head differs', () => {
    const { runs } = resolvePreset('vmf-vs-softmax');
    expect(runs.map((run) => run.config.model.tiedInput)).toEqual([false, false, false]);
    expect(runs.map((run) => run.config.head.kind)).toEqual(['softmax', 'vmf', 'vmf']);
  });

  it('runs the language model decoder-only on a corpus', () => {
    const { base } = resolvePreset('lm-sotu');
    expect(base).toMatchObject({ task: 'language-model', dataset: 'sotu', model: { encoderLayers: 0 } });
  });

  it('covers every continuous loss in the zoo', () => {
    expect(resolvePreset('loss-zoo').runs.map((run) => run.label)).toEqual([
      'head: L2',
      'head: cosine',
      'head: max-margin γ=0.5',
      'head: syn-margin (projection) γ=0.5',
      'head: syn-margin (difference) γ=0.5',
      'head: NLLvMF reg1+reg2 λ1=0.02 λ2=0.1',
      'head: NLLvMF log(1+κ)(λ−cos) λ=0.2',
    ]);
  });

  it("compares the newer comparators on the results suite's task, with the suite's NLLvMF", () => {
    const suite = resolvePreset('kjv-web');
    const suiteVmf = suite.runs[1]!.config.head;
    for (const name of ['target-tables', 'vmf-vs-power-spherical', 'softmax-vs-rewe-vs-vmf']) {
      const { base, runs } = resolvePreset(name);
      expect({ ...base, head: suite.base.head }, name).toEqual(suite.base);
      expect(
        runs.map((run) => run.config.head),
        name,
      ).toContainEqual(suiteVmf);
    }
    expect(resolvePreset('target-tables').runs.map((run) => run.label)).toEqual([
      'embeddings.source: glove, embeddings.pretrainedWeight: 1',
      'embeddings.source: in-app, embeddings.pretrainedWeight: 1',
      'embeddings.source: random-sphere, embeddings.pretrainedWeight: 1',
      'embeddings.source: random-hypercube, embeddings.pretrainedWeight: 1',
      'embeddings.pretrainedWeight: 0.5, embeddings.source: glove',
    ]);
    expect(resolvePreset('vmf-vs-power-spherical').runs.map((run) => run.config.head.kind)).toEqual([
      'vmf',
      'power-spherical',
    ]);
    expect(resolvePreset('softmax-vs-rewe-vs-vmf').runs.map((run) => run.label)).toEqual([
      'head: softmax',
      'head: ReWE λ=20',
      'head: NLLvMF log(1+κ)(λ−cos) λ=0.2',
    ]);
  });

  it('applies extra overrides to every run but lets the variants decide the head', () => {
    const { runs } = resolvePreset('tiny-demo', { 'train.steps': 20, head: { kind: 'l2' } });
    expect(runs.map((run) => run.config.train.steps)).toEqual([20, 20]);
    expect(runs.map((run) => run.config.head.kind)).toEqual(['softmax', 'vmf']);
  });

  it('names the available presets when the name is unknown', () => {
    expect(() => resolvePreset('nope')).toThrow(
      /Unknown preset "nope"; available: tiny-demo, kjv-web-live, kjv-web, vmf-vs-softmax, loss-zoo, target-tables, vmf-vs-power-spherical, softmax-vs-rewe-vs-vmf, lm-bottleneck, lm-sotu/,
    );
    expect(() => resolvePreset('toString')).toThrow(/Unknown preset/);
    expect(() => resolvePreset('tiny-demo', { 'train.steps': 0 })).toThrow(/train.steps must be an integer/);
  });
});
