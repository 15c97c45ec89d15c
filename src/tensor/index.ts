export { Engine, type KernelCall, type EngineOptions } from './engine';
export { grid1d } from './workgroups';
export { Tensor, sizeOf, type DType, type Shape, type HostArray } from './tensor';
export { apply, type Op } from './autograd';
export * from './ops';
export {
  tune,
  currentChoice,
  setChoice,
  describeChoice,
  type Tunable,
  type KernelChoice,
  type TuneOptions,
} from './tuning';
export type { KernelChoiceStore } from './kernelChoices';
