import { randomArray } from '../../math/random';
import { adamReference, type AdamReferenceHyper } from '../../math/reference/adam';
import { Adam } from '../../nn/adam';
import type { Engine } from '../../tensor/engine';
import type { Shape } from '../../tensor/tensor';
import type { KernelCheck } from '../types';

/** Parameters, their groups and the gradients each step hands the optimizer (undefined: no gradient). */
export interface AdamScenario {
  shapes: Shape[];
  initial: Float32Array[];
  /** Index into `groups` for each parameter. */
  groupOf: number[];
  groups: { lr: number; weightDecay: number; rule?: 'adam' | 'sgd' }[];
  hyper: AdamReferenceHyper;
  grads: (Float32Array | undefined)[][];
}

/** Runs the scenario's steps on the GPU, one submit each; returns final values and [norm, scale] per step. */
export async function adamOnGpu(
  engine: Engine,
  s: AdamScenario,
): Promise<{ values: Float32Array[]; clipStats: Float32Array[] }> {
  const params = s.initial.map((data, i) => engine.parameter(data, s.shapes[i]!, `param${i}`));
  const groups = s.groups.map((g, gi) => ({ ...g, params: params.filter((_, i) => s.groupOf[i] === gi) }));
  const adam = new Adam(engine, groups, { lr: 0, ...s.hyper });
  const stats: Promise<Float32Array>[] = [];
  for (const stepGrads of s.grads) {
    const pending = engine.step(() => {
      stepGrads.forEach((g, i) => {
        if (g) params[i]!.grad = engine.tensor(g, s.shapes[i]!, 'f32', `grad${i}`);
      });
      adam.step();
      return engine.readLater(adam.clipStats);
    });
    stats.push(pending as Promise<Float32Array>);
  }
  const values = (await Promise.all(params.map((p) => p.read()))) as Float32Array[];
  const clipStats = await Promise.all(stats);
  params.forEach((p) => p.release());
  adam.release();
  return { values, clipStats };
}

export function adamReferenceFor(s: AdamScenario) {
  const params = s.initial.map((value, i) => ({ value, ...s.groups[s.groupOf[i]!]! }));
  return adamReference(params, s.grads, s.hyper);
}

const sizeOfShape = (shape: Shape) => shape.reduce((a, b) => a * b, 1);

/**
 * Five parameters in three groups (the second with its own lr; the third plain SGD with L2 decay, as
 * PLIF slopes have by default), five steps whose gradient scale alternates above and below the clip
 * norm; parameter 1 has no gradient at step 2. Sizes not divisible by 4 take the scalar kernels;
 * [1031×12] takes the vec4 ones across several workgroups, the last one short; [300] is SGD across
 * two workgroups.
 */
export function adamScenario(decoupled: boolean): AdamScenario {
  const shapes: Shape[] = [[17, 33], [33], [3], [1031, 12], [300]];
  const gradScales = [1, 0.05, 2, 0.1, 0.5];
  return {
    shapes,
    initial: shapes.map((shape, i) => Float32Array.from(randomArray(sizeOfShape(shape), 60 + i))),
    groupOf: [0, 0, 1, 1, 2],
    groups: [
      { lr: 0.01, weightDecay: 0.1 },
      { lr: 0.05, weightDecay: 0 },
      { lr: 0.3, weightDecay: 0.05, rule: 'sgd' },
    ],
    hyper: { beta1: 0.9, beta2: 0.999, eps: 1e-8, decoupled, clipNorm: 5 },
    grads: gradScales.map((scale, step) =>
      shapes.map((shape, i) =>
        step === 2 && i === 1
          ? undefined
          : Float32Array.from(randomArray(sizeOfShape(shape), 70 + 10 * step + i, -scale, scale)),
      ),
    ),
  };
}

export const adamChecks: KernelCheck[] = [false, true].map(
  (decoupled): KernelCheck => ({
    kernel: decoupled ? 'AdamW + grad-norm clipping' : 'Adam (L2) + grad-norm clipping',
    sizes: '[17×33], [33], [3], [1031×12], SGD [300]; 5 steps',
    tolerance: 1e-5,
    // Weights that pass near zero lose digits to cancellation (0.038 minus five updates of 0.01 is
    // exact only to f32 ulps of 0.038), so errors count as absolute below the size of one update.
    floor: 1e-2,
    async run(engine) {
      const scenario = adamScenario(decoupled);
      const gpu = await adamOnGpu(engine, scenario);
      const ref = adamReferenceFor(scenario);
      return {
        actual: [...gpu.values.flatMap((v) => [...v]), ...gpu.clipStats.flatMap((s) => [...s])],
        reference: [...ref.values.flatMap((v) => [...v]), ...ref.norms.flatMap((norm, i) => [norm, ref.scales[i]!])],
      };
    },
  }),
);
