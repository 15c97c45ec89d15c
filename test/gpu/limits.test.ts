// Limits before allocation, on a real device: a run beyond the binding limit is refused before any
// GPU buffer exists; the pre-flight estimate covers the largest tensor a real training step
// allocates, for every head and backbone; a dispatch beyond maxComputeWorkgroupsPerDimension is
// refused when it is recorded instead of failing validation after the submit.
import { describe, expect, it, vi } from 'vitest';
import { readNodeAsset } from '../../src/data/assetsNode';
import { buildBatch } from '../../src/data/batching';
import type { ExperimentConfig } from '../../src/experiments/config';
import { largestTensors, taskSizes } from '../../src/experiments/limits';
import { buildModel } from '../../src/experiments/model';
import { applyOverrides } from '../../src/experiments/overrides';
import { prepareTask } from '../../src/experiments/task';
import { GpuError, type DeviceLimits } from '../../src/gpu';
import { Engine } from '../../src/tensor/engine';
import { matmul } from '../../src/tensor/ops/matmul';
import { sizeOf } from '../../src/tensor/tensor';
import { runComparison } from '../../src/train/compare';
import { StepClock, TrainingRun } from '../../src/train/run';
import { getEngine } from '../helpers/gpu';
import { tinyReverseTask } from '../helpers/reverseTask';

/** An engine on the shared device that enforces lower limits than the adapter's. */
async function engineWithLimits(limits: Partial<DeviceLimits>): Promise<Engine> {
  const { gpu } = await getEngine();
  return new Engine({ ...gpu, adapter: { ...gpu.adapter, limits: { ...gpu.adapter.limits, ...limits } } });
}

function thrown(fn: () => unknown): GpuError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GpuError) return error;
    throw error;
  }
  throw new Error('expected a GpuError, nothing was thrown');
}

describe('limits before allocation', () => {
  it('refuses a run whose logits exceed the binding limit, naming them, before creating any GPU buffer', async () => {
    // 32 sentences × 6 positions × 16 words: 12 KiB of logits, the largest tensor; the attention
    // scores and Q|K|V (9 KiB each) and everything else fit in 10 KiB.
    const config = applyOverrides(tinyReverseTask, { 'model.ffn': 8, 'model.dModel': 4 });
    const task = await prepareTask(readNodeAsset, config, { engine: await getEngine() });
    const engine = await engineWithLimits({ maxStorageBufferBindingSize: 10 * 1024 });
    const createBuffer = vi.spyOn(engine.device, 'createBuffer');
    try {
      const error = thrown(() => buildModel(engine, config, task));
      expect(error.kind).toBe('limit');
      expect(error.message).toBe(
        'These settings need more than this GPU allows:\n' +
          "  Tensor 'logits f32[192×16]' needs 12.0 KiB, above this GPU's maxStorageBufferBindingSize of 10.0 KiB. Lower train.batchSentences, data.maxLength or data.targetVocab.",
      );
      expect(createBuffer).not.toHaveBeenCalled();
      expect(engine.pool.stats.buffers).toBe(0);
    } finally {
      createBuffer.mockRestore();
      engine.destroy();
    }
  });

  it('checks every run of a comparison before building any model', async () => {
    const fits = applyOverrides(tinyReverseTask, { 'model.ffn': 8, 'model.dModel': 8, 'train.batchSentences': 4 });
    const tooBig = applyOverrides(fits, { 'train.batchSentences': 32 });
    const engine = await engineWithLimits({ maxStorageBufferBindingSize: 10 * 1024 });
    try {
      const comparison = runComparison({
        engine,
        read: readNodeAsset,
        adapter: 'test',
        runs: [
          { label: 'fits', config: fits },
          { label: 'too big', config: tooBig },
        ],
      });
      await expect(comparison).rejects.toThrow(/Tensor 'logits f32\[192×16\]' needs 12\.0 KiB/);
      // No tensor of the first run's model is held: it was never built.
      expect(engine.pool.stats.inUseBytes).toBe(0);
    } finally {
      engine.destroy();
    }
  });

  // Each case makes a different estimate the largest: FFN activations, logits, MoS contexts, ReWE's
  // regressor activations, PLIF partials, attention scores, an LSTM's gate weights, a continuous
  // head's tied table.
  const cases: [string, Record<string, unknown>][] = [
    ['transformer + softmax', { head: { kind: 'softmax' } }],
    [
      'a 200-word softmax',
      { head: { kind: 'softmax' }, 'data.targetVocab': 200, 'data.sourceVocab': 200, 'model.ffn': 16 },
    ],
    ['MoS K=4', { head: { kind: 'mos', components: 4 }, 'model.ffn': 16 }],
    ['ReWE h=2048', { head: { kind: 'rewe', regressorHidden: 2048 }, 'model.ffn': 16 }],
    ['PLIF K=20000', { head: { kind: 'plif', pieces: 20_000 } }],
    ['8-head attention', { head: { kind: 'softmax' }, 'model.heads': 8, 'model.ffn': 16 }],
    ['LSTM + softmax', { head: { kind: 'softmax' }, 'model.backbone': 'lstm' }],
    [
      'NLLvMF with a 300-d tied table',
      {
        head: { kind: 'vmf', regularizer: { kind: 'none' } },
        'model.tiedInput': true,
        'data.targetVocab': 200,
        'embeddings.dimension': 300,
        'model.ffn': 16,
      },
    ],
  ];

  it.each(cases)('estimates at least the largest tensor a training step of %s allocates', async (_name, overrides) => {
    const engine = await getEngine();
    const config: ExperimentConfig = applyOverrides(tinyReverseTask, overrides);
    const task = await prepareTask(readNodeAsset, config, { engine });
    const estimated = Math.max(
      ...largestTensors(config, taskSizes(config, task)).map((demand) => sizeOf(demand.shape) * 4),
    );
    const acquire = vi.spyOn(engine.pool, 'acquire');
    try {
      const run = new TrainingRun(engine, task, config, { label: 'limits', adapter: 'test' });
      // The batch of the longest examples: the one whose tensors are largest.
      const longest = task.train
        .map((_, i) => i)
        .sort((a, b) => task.train[b]!.input.length - task.train[a]!.input.length);
      await run.trainStep(buildBatch(task.train, longest.slice(0, config.train.batchSentences)), new StepClock());
      await run.settle();
      expect(run.record.status, run.record.error).toBe('running');
      // The optimizer's packs (every parameter in one buffer) are cut at the binding limit by construction.
      const allocations = acquire.mock.calls
        .map(([bytes, label]) => ({ bytes, label }))
        .filter(({ label }) => !label.startsWith('adam.'));
      const largest = allocations.reduce((a, b) => (b.bytes > a.bytes ? b : a));
      expect(largest.bytes, `${largest.label} is larger than every estimate`).toBeLessThanOrEqual(estimated);
      run.release();
    } finally {
      acquire.mockRestore();
    }
  });

  it('refuses a dispatch beyond maxComputeWorkgroupsPerDimension when it is recorded', async () => {
    const engine = await getEngine();
    const limit = engine.limits.maxComputeWorkgroupsPerDimension;
    // A batched product dispatches one workgroup layer per batch entry, as attention does per sentence
    // and head — or per 16 entries on a CPU adapter (blockWorkgroup): too many layers either way.
    const batches = 16 * limit + 1;
    const a = engine.tensor(new Float32Array(batches).fill(1), [batches, 1, 1]);
    const dispatches = engine.recorder.dispatches;
    const error = thrown(() => engine.tidy(() => matmul(a, a)));
    expect(error.kind).toBe('limit');
    expect(error.message).toMatch(
      new RegExp(
        `^Kernel 'matmul:\\w+': 1×1×(${limit + 1}|${batches}) workgroups, above this GPU's maxComputeWorkgroupsPerDimension of ${limit} \\(per dimension\\)\\. Lower train\\.batchSentences`,
      ),
    );
    expect(engine.recorder.dispatches).toBe(dispatches);
    engine.flush();
    expect(engine.gpu.takeErrors()).toEqual([]);
    a.release();
  });
});
