// runComparison's gate (how the page's worker pauses and stops a comparison) and what a lost
// device does to the runs: they stop, keep their metrics and say what happened.
import { describe, expect, it } from 'vitest';
import { readNodeAsset } from '../../src/data/assetsNode';
import { defaultConfig } from '../../src/experiments/config';
import { applyOverrides, mergeConfig } from '../../src/experiments/overrides';
import { acquireNodeGpu } from '../../src/gpu/nodeGpu';
import { Engine } from '../../src/tensor/engine';
import { runComparison } from '../../src/train/compare';
import { getEngine } from '../helpers/gpu';

const tiny = mergeConfig(defaultConfig, {
  task: 'translation',
  dataset: 'synthetic-copy',
  data: { sourceVocab: 16, targetVocab: 16, maxLength: 4, trainSentences: 200, validSentences: 16 },
  embeddings: { source: 'in-app', dimension: 16 },
  model: { encoderLayers: 1, decoderLayers: 1, dModel: 32, heads: 2, ffn: 64, dropout: 0 },
  train: { steps: 8, batchSentences: 16, evalEvery: 0, logEvery: 1 },
});
const runs = [
  { label: 'softmax', config: applyOverrides(tiny, { head: { kind: 'softmax' } }) },
  {
    label: 'NLLvMF',
    config: applyOverrides(tiny, {
      head: { kind: 'vmf', regularizer: { kind: 'log1p', lambda: 0.2 }, approximate: false },
    }),
  },
];

describe('controlling a comparison', () => {
  it('finishes a run early once its validation loss stops improving, and lets the others go on', async () => {
    const engine = await getEngine();
    // At a learning rate of 1e-9 the validation loss stays put: evaluations at steps 2, 4, 6 and
    // patience 2 end the first run at step 6, its best evaluation being the first.
    const stalled = applyOverrides(tiny, {
      'train.learningRate': 1e-9,
      'train.evalEvery': 2,
      'train.patience': 2,
      'train.steps': 12,
    });
    const record = await runComparison({
      engine,
      read: readNodeAsset,
      adapter: 'test',
      runs: [
        { label: 'stalled', config: stalled },
        { label: 'no patience', config: applyOverrides(stalled, { 'train.patience': 0 }) },
      ],
    });
    const [early, full] = record.runs;
    expect([early!.status, early!.earlyStop, early!.metrics.at(-1)!.step, early!.evals.map((e) => e.step)]).toEqual([
      'finished',
      { step: 6, bestStep: 2, patience: 2 },
      6,
      [2, 4, 6],
    ]);
    expect([full!.status, full!.earlyStop, full!.metrics.at(-1)!.step, full!.evals.map((e) => e.step)]).toEqual([
      'finished',
      undefined,
      12,
      [2, 4, 6, 8, 10, 12],
    ]);
  });

  it('asks the gate before every step and stops the runs, keeping their metrics, when it says false', async () => {
    const engine = await getEngine();
    let asked = 0;
    const record = await runComparison({
      engine,
      read: readNodeAsset,
      adapter: 'test',
      runs,
      gate: async () => ++asked <= 3,
    });
    expect(asked).toBe(4);
    expect(record.runs.map((r) => [r.status, r.error, r.metrics.map((m) => m.step), r.evals.length])).toEqual([
      ['stopped', undefined, [1, 2, 3], 0],
      ['stopped', undefined, [1, 2, 3], 0],
    ]);
  });

  it('stops the runs with a message naming the step when the device is lost, keeping what they recorded', async () => {
    const engine = new Engine(await acquireNodeGpu());
    let asked = 0;
    const gate = () => {
      if (++asked === 4) engine.gpu.destroy();
      return true;
    };
    const record = await runComparison({ engine, read: readNodeAsset, adapter: 'test', runs, gate });
    for (const run of record.runs) {
      expect(run.status).toBe('stopped');
      expect(run.error).toMatch(
        /^The GPU device was lost at step 4; the runs stopped and the metrics recorded until then are kept\. .*smaller preset/,
      );
      // Destroying the device aborts the reads still in flight: the points that landed stay.
      expect(run.metrics.length).toBeGreaterThan(0);
      expect(run.metrics.map((m) => m.step)).toEqual([1, 2, 3].slice(0, run.metrics.length));
    }
  });
});
