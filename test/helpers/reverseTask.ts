// The built-in reverse task at the size the GPU training tests use: 12 symbols, sequences of 2–5,
// a one-layer d = 32 transformer; 100 steps take well under a minute on SwiftShader.
import { defaultConfig } from '../../src/experiments/config';
import { mergeConfig } from '../../src/experiments/overrides';

export const tinyReverseTask = mergeConfig(defaultConfig, {
  task: 'translation',
  dataset: 'synthetic-reverse',
  data: { sourceVocab: 16, targetVocab: 16, maxLength: 5, trainSentences: 2000, validSentences: 64 },
  embeddings: { source: 'in-app', dimension: 16 },
  model: { encoderLayers: 1, decoderLayers: 1, dModel: 32, heads: 2, ffn: 64, dropout: 0 },
  train: {
    steps: 100,
    batchSentences: 32,
    learningRate: 3e-3,
    warmupSteps: 10,
    decay: 'none',
    evalEvery: 0,
    logEvery: 10,
  },
});
