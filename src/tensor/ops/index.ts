// Every differentiable op, by name. `Op` requires both `forward` and `backward`, so an entry
// without a backward is a compile error; `satisfies` keeps each entry's precise type; and
// test/unit/gradient-checks.test.ts walks this table, so an entry without a finite-difference
// check in the self-test fails there.
import type { Op } from '../autograd';
import { elementwiseOps } from './elementwise';
import { embeddingOps } from './embedding';
import { dropoutOps } from './dropout';
import { vmfLossOp } from './vmfLoss';
import { powerSphericalLossOp } from './powerSphericalLoss';
import { embeddingLossOp } from './embeddingLoss';
import { reduceOps } from './reduce';
import { softmaxXentOps } from './softmaxXent';
import { softmaxOps } from './softmax';
import { layerNormOps } from './layernorm';
import { matmulOps } from './matmul';
import { headAttentionOps } from './headAttention';
import { shapeOps } from './shape';
import { lstmOps } from './lstm';
import { plifOps } from './plif';

// biome-ignore lint/suspicious/noExplicitAny: ops differ in arguments and saved state
type AnyOp = Op<any[], any>;

export const ops = {
  ...elementwiseOps,
  ...embeddingOps,
  ...dropoutOps,
  vmfLoss: vmfLossOp,
  powerSphericalLoss: powerSphericalLossOp,
  embeddingLoss: embeddingLossOp,
  ...reduceOps,
  ...softmaxXentOps,
  ...softmaxOps,
  ...layerNormOps,
  ...matmulOps,
  ...headAttentionOps,
  ...shapeOps,
  ...lstmOps,
  ...plifOps,
} satisfies Record<string, AnyOp>;

export type OpName = keyof typeof ops;

export * from './elementwise';
export * from './embedding';
export * from './dropout';
export * from './vmfLoss';
export * from './powerSphericalLoss';
export * from './embeddingLoss';
export * from './nearest';
export * from './reduce';
export * from './softmaxXent';
export * from './softmax';
export * from './layernorm';
export * from './matmul';
export * from './shape';
export * from './lstm';
export * from './plif';
export { matmulTunable, matmulVariants, type MatmulVariant } from './matmulVariants';
export { tunables, tuneKernels, describeTuned, type TunedKernel } from './tunables';
export { matmulKernels, type MatmulKernelName } from './matmulKernels';
