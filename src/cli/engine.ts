// The engine every `continuum` command runs on: Dawn's adapter, with the kernel choices for it read
// from the cache file (or timed once and stored there, a few seconds on SwiftShader).
import { acquireNodeGpu } from '../gpu/nodeGpu';
import { Engine, type EngineOptions } from '../tensor/engine';
import { fileKernelChoices } from '../tensor/nodeKernelChoices';
import { describeTuned, tuneKernels, type TunedKernel } from '../tensor/ops/tunables';

export async function openEngine(options: EngineOptions = {}): Promise<{ engine: Engine; kernels: TunedKernel[] }> {
  const engine = new Engine(await acquireNodeGpu(), options);
  const kernels = await tuneKernels(engine, fileKernelChoices());
  return { engine, kernels };
}

/** The kernel choices as indented lines under the adapter line. */
export const kernelLines = (kernels: readonly TunedKernel[]) =>
  describeTuned(kernels)
    .map((line) => `  ${line}`)
    .join('\n');
