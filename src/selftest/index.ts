import { deviation } from '../math/compare';
import type { Engine } from '../tensor/engine';
import { elementwiseChecks } from './checks/elementwise';
import { embeddingChecks } from './checks/embedding';
import { dropoutChecks } from './checks/dropout';
import { adamChecks } from './checks/adam';
import { vmfChecks } from './checks/vmf';
import { powerSphericalChecks } from './checks/powerSpherical';
import { embeddingLossChecks } from './checks/embeddingLosses';
import { nearestChecks } from './checks/nearest';
import { headChecks } from './checks/heads';
import { reduceChecks } from './checks/reduce';
import { softmaxXentChecks } from './checks/softmaxXent';
import { softmaxChecks } from './checks/softmax';
import { layerNormChecks } from './checks/layernorm';
import { matmulChecks } from './checks/matmul';
import { spmmChecks } from './checks/spmm';
import { shapeChecks } from './checks/shape';
import { lstmChecks } from './checks/lstm';
import { attentionChecks } from './checks/attention';
import { globalAttentionChecks } from './checks/globalAttention';
import { plifChecks } from './checks/plif';
import { mixtureHeadChecks } from './checks/mixtureHeads';
import type { KernelCheck, KernelCheckResult } from './types';

export { formatCheckError, type KernelCheck, type KernelCheckResult } from './types';

/** Every kernel family's checks; a new family adds its list here. */
export const allChecks: KernelCheck[] = [
  ...elementwiseChecks,
  ...reduceChecks,
  ...softmaxXentChecks,
  ...softmaxChecks,
  ...layerNormChecks,
  ...embeddingChecks,
  ...dropoutChecks,
  ...adamChecks,
  ...vmfChecks,
  ...powerSphericalChecks,
  ...embeddingLossChecks,
  ...nearestChecks,
  ...headChecks,
  ...matmulChecks,
  ...spmmChecks,
  ...shapeChecks,
  ...lstmChecks,
  ...attentionChecks,
  ...globalAttentionChecks,
  ...plifChecks,
  ...mixtureHeadChecks,
];

export async function runCheck(engine: Engine, check: KernelCheck): Promise<KernelCheckResult> {
  const base = { kernel: check.kernel, sizes: check.sizes, tolerance: check.tolerance };
  try {
    const { actual, reference } = await check.run(engine);
    const d = deviation(actual, reference, check.floor ?? 1);
    const gpuErrors = engine.gpu.takeErrors();
    const error = gpuErrors.length
      ? gpuErrors.map((e) => e.message).join('; ')
      : d.nonFinite
        ? `${d.nonFinite} non-finite values`
        : undefined;
    return {
      ...base,
      maxAbs: d.maxAbs,
      maxRel: d.maxRel,
      pass: !error && d.maxRel <= check.tolerance,
      ...(error ? { error } : {}),
    };
  } catch (e) {
    return { ...base, maxAbs: NaN, maxRel: NaN, pass: false, error: e instanceof Error ? e.message : String(e) };
  }
}

export async function runSelfTest(
  engine: Engine,
  checks: KernelCheck[] = allChecks,
  onResult?: (result: KernelCheckResult, index: number, total: number) => void,
): Promise<KernelCheckResult[]> {
  const results: KernelCheckResult[] = [];
  for (const check of checks) {
    const result = await runCheck(engine, check);
    results.push(result);
    onResult?.(result, results.length, checks.length);
  }
  return results;
}
