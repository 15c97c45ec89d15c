// Library entry: imports cleanly in a plain Node script (through tsx) and in the Vite app.
// Node-only pieces (Dawn) live in src/gpu/nodeGpu.ts and are not re-exported here.
export * from './gpu';
export * from './tensor';
export { Adam, type AdamOptions, type ParamGroup } from './nn/adam';
export { deviation, type Deviation } from './math/compare';
export { mulberry32, normalSampler, randomArray } from './math/random';
export { logBesselI, besselRatio, vmfLogNormalizer } from './math/bessel';
export { logGamma } from './math/gamma';
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
export { bleu, bleuWithAndWithoutDuplicates, bleuWorkedExample, removeConsecutiveDuplicates, tokenize13a, type BleuResult, type BleuWithAndWithoutDuplicates } from './math/bleu';
export { allChecks, runCheck, runSelfTest, type KernelCheck, type KernelCheckResult } from './selftest';
export { gradCheck, type GradInput, type GradCheckResult } from './selftest/gradcheck';
