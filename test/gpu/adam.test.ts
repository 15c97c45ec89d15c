import { describe, expect, it } from 'vitest';
import { deviation } from '../../src/math/compare';
import { mulberry32, randomArray } from '../../src/math/random';
import { Adam } from '../../src/nn/adam';
import {
  adamChecks,
  adamOnGpu,
  adamReferenceFor,
  adamScenario,
  type AdamScenario,
} from '../../src/selftest/checks/adam';
import { Engine } from '../../src/tensor/engine';
import { mul } from '../../src/tensor/ops/elementwise';
import { embedding, uploadIndices } from '../../src/tensor/ops/embedding';
import { sumAll } from '../../src/tensor/ops/reduce';
import { getEngine, itPassesChecks } from '../helpers/gpu';

/** Random values for a tensor of `shape`. */
const sized = (shape: number[], seed: number) =>
  Float32Array.from(
    randomArray(
      shape.reduce((a, b) => a * b),
      seed,
    ),
  );

describe('Adam against the float64 reference', () => {
  itPassesChecks(adamChecks, { bothWorkgroupSizes: true });

  it('clips exactly when the global norm exceeds clipNorm', async () => {
    const scenario = adamScenario(true);
    const { clipStats } = await adamOnGpu(await getEngine(), scenario);
    const reference = adamReferenceFor(scenario);
    const engaged = clipStats.map(([norm]) => norm! > scenario.hyper.clipNorm);
    expect(engaged).toEqual(reference.norms.map((norm) => norm > scenario.hyper.clipNorm));
    expect(engaged).toContain(true);
    expect(engaged).toContain(false);
    clipStats.forEach(([norm, scale], step) => {
      if (engaged[step]) expect(scale! * norm!).toBeCloseTo(scenario.hyper.clipNorm, 4);
      else expect(scale).toBe(1);
    });
  });
});

/** One step with zero gradients: only weight decay moves the weights. */
async function zeroGradientStep(decoupled: boolean, initial: Float32Array): Promise<Float32Array> {
  const scenario: AdamScenario = {
    shapes: [[initial.length]],
    initial: [initial],
    groupOf: [0],
    groups: [{ lr: 0.01, weightDecay: 0.5 }],
    hyper: { beta1: 0.9, beta2: 0.999, eps: 1e-8, decoupled, clipNorm: 0 },
    grads: [[new Float32Array(initial.length)]],
  };
  return (await adamOnGpu(await getEngine(), scenario)).values[0]!;
}

describe('weight decay semantics', () => {
  const initial = Float32Array.from(randomArray(33, 3, 0.5, 2).map((v, i) => (i % 2 ? v : -v)));

  it('AdamW shrinks each weight in proportion: w(1 − lr·λ)', async () => {
    const after = await zeroGradientStep(true, initial);
    expect(
      deviation(
        after,
        Array.from(initial, (w) => w * (1 - 0.01 * 0.5)),
      ).maxRel,
    ).toBeLessThan(1e-6);
  });

  it('Adam with L2 normalises the decay gradient: every weight moves by lr towards zero', async () => {
    const after = await zeroGradientStep(false, initial);
    expect(
      deviation(
        after,
        Array.from(initial, (w) => w - 0.01 * Math.sign(w)),
      ).maxAbs,
    ).toBeLessThan(1e-6);
  });
});

describe('an SGD parameter group (the PLIF reference trains its slopes so)', () => {
  it('moves each weight by lr × its gradient, where Adam moves every weight by about lr, and keeps no moments', async () => {
    const engine = await getEngine();
    const initial = Float32Array.from(randomArray(37, 5));
    const grad = Float32Array.from(randomArray(37, 6, -1e-3, 1e-3));
    const moved = async (rule: 'adam' | 'sgd') => {
      const w = engine.parameter(initial, [37], 'w');
      const adam = new Adam(engine, [{ params: [w], rule }], { lr: 0.02 });
      const moments = adam.stateOf(w).moments.length;
      await engine.step(() => {
        w.grad = engine.tensor(grad, [37], 'f32', 'grad');
        adam.step();
      });
      const after = await w.read();
      w.release();
      adam.release();
      return { delta: Array.from(after as Float32Array, (v, i) => initial[i]! - v), moments };
    };
    const sgd = await moved('sgd');
    expect(
      deviation(
        sgd.delta,
        Array.from(grad, (g) => 0.02 * g),
        1e-9,
      ).maxAbs,
    ).toBeLessThan(1e-7);
    const adam = await moved('adam');
    expect(
      deviation(
        adam.delta,
        Array.from(grad, (g) => 0.02 * Math.sign(g)),
      ).maxAbs,
    ).toBeLessThan(1e-5);
    expect([sgd.moments, adam.moments]).toEqual([0, 2]);
  });
});

describe('Adam inside a training step', () => {
  it('consumes autograd gradients in one submit, clears them, and keeps its state on the GPU', async () => {
    const engine = await getEngine();
    const x = Float32Array.from(randomArray(3 * 17, 4));
    const c = Float32Array.from(randomArray(3 * 17, 5));
    const w = engine.parameter(x, [3, 17], 'w');
    const frozen = engine.parameter(x, [3, 17], 'frozen');
    const adam = new Adam(engine, [w, frozen], { lr: 0.1, clipNorm: 5 });
    expect(adam.stateBytes).toBeGreaterThanOrEqual(2 * 2 * 3 * 17 * 4);
    engine.flush();
    const submits = engine.recorder.submits;
    const stats = engine.step(() => {
      engine.backward(mul(w, engine.tensor(c, [3, 17])), engine.fill([3, 17], 1));
      adam.step();
      return engine.readLater(adam.clipStats);
    });
    expect(engine.recorder.submits).toBe(submits + 1);
    expect(w.grad).toBeUndefined();
    const ref = adamReferenceFor({
      shapes: [
        [3, 17],
        [3, 17],
      ],
      initial: [x, x],
      groupOf: [0, 0],
      groups: [{ lr: 0.1, weightDecay: 0 }],
      hyper: { beta1: 0.9, beta2: 0.999, eps: 1e-8, decoupled: true, clipNorm: 5 },
      grads: [[c, undefined]],
    });
    expect(deviation(await w.read(), ref.values[0]!, 1e-2).maxRel).toBeLessThan(1e-5);
    expect([...(await frozen.read())]).toEqual([...x]);
    expect((await stats)[0]).toBeCloseTo(ref.norms[0]!, 4);
    w.release();
    frozen.release();
    adam.release();
  });

  it('skips a step whose gradient norm is not finite (NaN guard) and reports the norm', async () => {
    const engine = await getEngine();
    const x = Float32Array.from(randomArray(65, 6));
    const w = engine.parameter(x, [65], 'w');
    const adam = new Adam(engine, [w], { lr: 0.1 });
    const grad = Float32Array.from(randomArray(65, 7));
    grad[40] = NaN;
    const stats = await engine.step(() => {
      w.grad = engine.tensor(grad, [65]);
      adam.step();
      return engine.readLater(adam.clipStats);
    });
    expect(Number.isNaN(stats[0])).toBe(true);
    expect(stats[1]).toBe(0);
    expect([...(await w.read())]).toEqual([...x]);
    w.release();
    adam.release();
  });

  it('updates every parameter in three dispatches per step, whatever their number and sizes', async () => {
    // Eleven parameters, sizes that are and are not multiples of 4, one of several workgroups.
    const shapes = [[8], [4, 3], [5], [16], [4, 4099], [12], [7, 3], [20], [24], [28], [32]];
    const scenario: AdamScenario = {
      shapes,
      initial: shapes.map((shape, i) => sized(shape, 110 + i)),
      groupOf: shapes.map(() => 0),
      groups: [{ lr: 0.01, weightDecay: 0 }],
      hyper: { beta1: 0.9, beta2: 0.999, eps: 1e-8, decoupled: true, clipNorm: 10 },
      grads: [shapes.map((shape, i) => sized(shape, 130 + i))],
    };
    const engine = await getEngine();
    const dispatches = engine.recorder.dispatches;
    const gpu = await adamOnGpu(engine, scenario);
    const ref = adamReferenceFor(scenario);
    expect(Math.abs(gpu.clipStats[0]![0]! / ref.norms[0]! - 1)).toBeLessThan(1e-5);
    expect(gpu.clipStats[0]![1]).toBeLessThan(1);
    gpu.values.forEach((v, i) => expect(deviation(v, ref.values[i]!, 1e-2).maxRel).toBeLessThan(1e-5));
    // The partial sums of squares, the norm and clip scale, the update.
    expect(engine.recorder.dispatches - dispatches).toBe(3);
  });

  it('sums a gradient too large for one workgroup over several partial slots', async () => {
    const shapes = [[17, 1447], [3], [4, 4099]]; // 24599 elements: 6150 vec4s, seven pieces of ≤ 1024, the last one short; 4099 vec4s: five
    const scenario: AdamScenario = {
      shapes,
      initial: shapes.map((shape, i) =>
        Float32Array.from(
          randomArray(
            shape.reduce((a, b) => a * b),
            80 + i,
          ),
        ),
      ),
      groupOf: [0, 0, 0],
      groups: [{ lr: 0.01, weightDecay: 0.01 }],
      hyper: { beta1: 0.9, beta2: 0.999, eps: 1e-8, decoupled: true, clipNorm: 50 },
      grads: [
        shapes.map((shape, i) =>
          Float32Array.from(
            randomArray(
              shape.reduce((a, b) => a * b),
              90 + i,
            ),
          ),
        ),
      ],
    };
    const gpu = await adamOnGpu(await getEngine(), scenario);
    const ref = adamReferenceFor(scenario);
    expect(Math.abs(gpu.clipStats[0]![0]! / ref.norms[0]! - 1)).toBeLessThan(1e-5);
    expect(gpu.clipStats[0]![1]).toBeLessThan(1);
    gpu.values.forEach((v, i) => expect(deviation(v, ref.values[i]!, 1e-2).maxRel).toBeLessThan(1e-5));
  });

  it('gives bit-identical norms on repeated runs (no atomics)', async () => {
    const engine = await getEngine();
    const scenario = adamScenario(true);
    const first = await adamOnGpu(engine, scenario);
    const second = await adamOnGpu(engine, scenario);
    expect(second.clipStats.map((s) => [...s])).toEqual(first.clipStats.map((s) => [...s]));
    expect(second.values.map((v) => [...v])).toEqual(first.values.map((v) => [...v]));
  });
});

describe('parameters in several packs', () => {
  it('opens a new pack where the binding limit would be passed, and updates each in its own dispatches', async () => {
    // A fresh engine on the shared device, told that a binding holds 4 KiB: 1024 floats per pack.
    const engine = new Engine((await getEngine()).gpu);
    (engine.limits as { maxStorageBufferBindingSize: number }).maxStorageBufferBindingSize = 4096;
    try {
      // Adam members come first: [17×33], [33], [300], [7] (padded to 576 + 64 + 320 + 64) fill one pack; [3] and the SGD [250] the next.
      const shapes = [[17, 33], [33], [3], [300], [250], [7]];
      const scenario: AdamScenario = {
        shapes,
        initial: shapes.map((shape, i) => sized(shape, 150 + i)),
        groupOf: [0, 0, 1, 0, 2, 0],
        groups: [
          { lr: 0.01, weightDecay: 0.1 },
          { lr: 0.05, weightDecay: 0 },
          { lr: 0.3, weightDecay: 0.05, rule: 'sgd' },
        ],
        hyper: { beta1: 0.9, beta2: 0.999, eps: 1e-8, decoupled: true, clipNorm: 3 },
        grads: [0, 1].map((step) => shapes.map((shape, i) => sized(shape, 170 + 10 * step + i))),
      };
      const dispatches = engine.recorder.dispatches;
      const gpu = await adamOnGpu(engine, scenario);
      const ref = adamReferenceFor(scenario);
      gpu.clipStats.forEach(([norm], step) => expect(Math.abs(norm! / ref.norms[step]! - 1)).toBeLessThan(1e-5));
      gpu.values.forEach((v, i) => expect(deviation(v, ref.values[i]!, 1e-2).maxRel).toBeLessThan(1e-5));
      // Per step and pack: partial sums and update; one finalize.
      expect(engine.recorder.dispatches - dispatches).toBe(2 * (2 * 2 + 1));
    } finally {
      engine.destroy();
    }
  });
});

describe('gradient norm of an embedding table', () => {
  it('equals the norm of the rows the batch used', async () => {
    const engine = await getEngine();
    // Rows wider than a workgroup; repeats and padding among the ids.
    const [rows, width, positions] = [300, 260, 90];
    const random = mulberry32(5);
    const ids = Int32Array.from({ length: positions }, (_, p) => (p % 9 === 8 ? -1 : Math.floor(random() * 60)));
    const weights = Float32Array.from(randomArray(positions * width, 6));
    const table = engine.parameter(Float32Array.from(randomArray(rows * width, 7)), [rows, width], 'table');
    const adam = new Adam(engine, [table], { lr: 0.01, clipNorm: 1e-3 });
    const stats = engine.step(() => {
      const index = uploadIndices(engine, ids, [positions], rows);
      engine.backward(sumAll(mul(embedding(table, index), engine.tensor(weights, [positions, width]))));
      adam.step();
      return engine.readLater(adam.clipStats);
    });
    // ∂/∂table[r] = Σ of the weight rows at the positions that read r.
    const gradient = new Float64Array(rows * width);
    ids.forEach((id, p) => {
      if (id >= 0) for (let c = 0; c < width; c++) gradient[id * width + c]! += weights[p * width + c]!;
    });
    const norm = Math.sqrt(gradient.reduce((sum, g) => sum + g * g, 0));
    expect(Math.abs((await stats)[0]! / norm - 1)).toBeLessThan(1e-6);
    table.release();
    adam.release();
  });
});
