export {
  acquireGpu,
  adapterLine,
  deviceLimits,
  type AdapterIdentity,
  type AdapterSummary,
  type DeviceLimits,
  type GpuContext,
} from './device';
export {
  GpuError,
  webGpuHowTo,
  webGpuMissingHelp,
  limitError,
  limitMessage,
  workgroupLimitMessage,
  type GpuErrorKind,
} from './errors';
export { BufferLedger, type BufferCount, type BufferRole, type LedgerSnapshot } from './bufferLedger';
export { BufferPool, bucketBytes, storageLimit, type PoolStats } from './bufferPool';
export { PipelineCache, type PipelineKey } from './pipelines';
export { StepRecorder, type Workgroups } from './recorder';
export { ReadbackRing } from './readback';
export { KernelTimer, type KernelTiming } from './timer';
export { SubmitSpans } from './submitSpans';
export { UniformArena } from './uniformArena';
export { shaderConstant } from './shaderInterface';
export { KernelArguments, boundBytes, type NamedBindings, type UniformValues } from './kernelArguments';
