export { acquireGpu, adapterLine, type AdapterSummary, type GpuContext } from './device';
export { GpuError, webGpuHowTo, webGpuMissingHelp, limitError, type GpuErrorKind } from './errors';
export { BufferPool, bucketBytes, type PoolStats } from './bufferPool';
export { PipelineCache, specialize, type PipelineKey, type ShaderConstants } from './pipelines';
export { StepRecorder, type Binding, type Workgroups } from './recorder';
export { ReadbackRing } from './readback';
export { KernelTimer, type KernelTiming } from './timer';
export { UniformArena, type UniformField } from './uniformArena';
