// Library entry: imports cleanly in a plain Node script (through tsx) and in the Vite app.
// Node-only pieces (Dawn) live in src/gpu/nodeGpu.ts and are not re-exported here.
export * from './gpu';
export * from './tensor';
export { Adam, type AdamOptions, type ParamGroup } from './nn/adam';
export { deviation, type Deviation } from './math/compare';
export { mulberry32, normalSampler, randomArray } from './math/random';
export { logBesselI, besselRatio, vmfLogNormalizer } from './math/bessel';
export { logGamma, logGammaRatio, digammaDifference } from './math/gamma';
export {
  powerSphericalLossReference,
  powerSphericalLogNormalizer,
  powerSphericalStationaryKappa,
  minHalfOnePlusCos,
} from './math/powerSpherical';
export {
  vmfLossReference,
  vmfPseudoLoss,
  vmfNormaliserTerm,
  vmfTerms,
  stationaryKappa,
  minKappa,
  type VmfLossOptions,
  type VmfRegularizer,
} from './math/vmf';
export {
  embeddingLossReference,
  mostInformativeNegative,
  syntheticNegative,
  type EmbeddingLossKind,
} from './math/embeddingLosses';
export { bleu, bleuWorkedExample, tokenize13a, type BleuResult } from './math/bleu';
export {
  bleuWithAndWithoutDuplicates,
  removeConsecutiveDuplicates,
  type BleuWithAndWithoutDuplicates,
} from './train/hypothesisBleu';
export { detokenize } from './data/tokenize';
export { allChecks, runCheck, runSelfTest, type KernelCheck, type KernelCheckResult } from './selftest';
export { gradCheck, type GradInput, type GradCheckResult } from './selftest/gradcheck';
export { Transformer, type TransformerOptions } from './nn/transformer';
export { LstmSeq2seq, type LstmSeq2seqOptions } from './nn/lstmSeq2seq';
export { CrossAttention, SelfAttention } from './nn/attention';
export { LstmCell } from './nn/lstm';
export type { Backbone, IncrementalDecoder, SequenceBatch } from './nn/backbone';
export { createHead, type Head, type HeadSpec } from './heads';
export { defaultConfig, parseConfig, type ExperimentConfig } from './experiments/config';
export { ConfigError } from './experiments/configIssues';
export { applyOverrides, parseAssignment, runLabel } from './experiments/overrides';
export { presets, resolvePreset, type Preset } from './experiments/presets';
export { prepareTask, type Task } from './experiments/task';
export { TrainingRun, StepClock } from './train/run';
export { evaluate, greedyDecode, type EvaluationOptions } from './train/evaluate';
export { runComparison, type ComparisonOptions, type ProgressEvent, type RunSpec } from './train/compare';
export { saveCheckpoint, restoreCheckpoint, checkpointRecord } from './train/checkpoint';
export {
  parseRunFile,
  metricsCsv,
  evalsCsv,
  toJson,
  type RunRecord,
  type ComparisonRecord,
  type MetricPoint,
  type EvalPoint,
} from './train/record';
export { learningRateAt, type Decay } from './train/schedule';
