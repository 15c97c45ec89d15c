// A run record with every optional part filled (non-finite numbers, evaluations, samples, speed,
// memory), for the record format's tests and the run-file fuzzing that mutates it.
import { resolvePreset } from '../../src/experiments/presets';
import type { ComparisonRecord, RunRecord } from '../../src/train/record';

const [softmaxRun, vmfRun] = resolvePreset('tiny-demo').runs;

export const softmaxConfig = softmaxRun!.config;

export function fullRun(label: string, config = softmaxConfig): RunRecord {
  return {
    format: 'continuum-run',
    formatVersion: 1,
    label,
    config,
    adapter: 'SwiftShader',
    startedAt: '2025-01-02T03:04:05.678Z',
    status: 'finished',
    metrics: [
      { step: 1, wallMs: 10, tokens: 100, loss: 6.5, learningRate: 1e-4, gradNorm: 2 },
      { step: 2, wallMs: 20.5, tokens: 200, loss: NaN, learningRate: 2e-4, tokensPerSecond: Infinity },
    ],
    evals: [
      {
        step: 2,
        wallMs: 25,
        validLoss: 6,
        accuracy1: 0.1,
        accuracy5: 0.3,
        bleu: 1.5,
        samples: [{ source: 'a', reference: 'b', hypothesis: 'c' }],
      },
    ],
    speed: { tokensPerSecond: 1000, compileMs: 50, warmupMs: 5, msPerStep: { total: 10, forward: 4 } },
    memory: { parameters: 10, optimizerState: 20, activations: 30, frozen: 40, outputLayerParams: 5 },
  };
}

export const fullComparison: ComparisonRecord = {
  format: 'continuum-comparison',
  formatVersion: 1,
  preset: 'tiny-demo',
  runs: [fullRun('head: softmax'), fullRun('head: "vMF", λ=0.1\nsecond line', vmfRun!.config)],
};
