// Memory that never grows: the default comparison and a language-model preset, shrunk, train with
// evaluations (greedy decoding, BrierLM) and checkpoints inside the window. No tensor may outlive
// its step, evaluation or checkpoint, and once the first evaluation and checkpoint have allocated
// their working set the engine holds no more GPU buffers or bytes. Counts, never times.
// Batches of one shape keep the counts exact: a batch of a new shape may need buffers of new pool
// sizes, which is growth up to a bound, not a leak (the benchmark's soak trains on the real data).
import { describe, expect, it } from 'vitest';
import { readNodeAsset } from '../../src/data/assetsNode';
import { defaultPresetName, resolvePreset } from '../../src/experiments/presets';
import { runComparison } from '../../src/train/compare';
import { firstGrowth, memoryTrace } from '../../src/train/memoryTrace';
import { getEngine } from '../helpers/gpu';

const steps = 18;
const every = 6;
const tiny = {
  'train.steps': steps,
  'train.evalEvery': every,
  'train.checkpointEvery': every,
  'train.batchSentences': 8,
  'model.dModel': 16,
  'model.heads': 2,
  'model.ffn': 32,
  'embeddings.dimension': 16,
  'data.validSentences': 8,
};

async function soak(preset: string, overrides: Record<string, unknown>) {
  const engine = await getEngine();
  const tensorsBefore = engine.memory().tensorBytes;
  const { runs } = resolvePreset(preset, { ...tiny, ...overrides });
  const { points, onProgress } = memoryTrace(engine);
  const record = await runComparison({
    engine,
    read: readNodeAsset,
    adapter: 'test',
    runs,
    evaluation: { batchSentences: 8, decodeSentences: 4, samples: 1, brierPositions: 8 },
    onProgress,
  });
  return { points, record, tensorsBefore, tensorsAfter: engine.memory().tensorBytes };
}

async function expectFlat(preset: string, overrides: Record<string, unknown>) {
  const { points, record, tensorsBefore, tensorsAfter } = await soak(preset, overrides);
  expect(record.runs.map((r) => [r.status, r.evals.map((e) => e.step)])).toEqual(
    record.runs.map(() => ['finished', [every, 2 * every, steps]]),
  );
  expect(points.map((p) => p.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
  // The tensors alive between steps are the runs' parameters, Adam moments and tables, the same
  // bytes at every step; released with the runs at the end.
  expect(new Set(points.map((p) => p.tensorBytes)).size).toBe(1);
  expect(tensorsAfter).toBe(tensorsBefore);
  // Nor are buffers made and destroyed once the working set is there (a timed submit's staging included).
  expect(firstGrowth(points, every)).toBeUndefined();
  expect(points.at(-1)!.created).toBe(points[every - 1]!.created);
}

describe('memory over a comparison with evaluations and checkpoints', () => {
  it('the default comparison (softmax vs NLLvMF translation) holds flat counts after its first evaluation', async () => {
    // The preset's model family and heads; sentences of exactly two symbols give one batch shape.
    await expectFlat(defaultPresetName, {
      dataset: 'synthetic-reverse',
      'data.sourceVocab': 16,
      'data.targetVocab': 16,
      'data.maxLength': 2,
      'data.trainSentences': 64,
    });
  });

  it('a language model (softmax, PLIF, MoS, NLLvMF) holds flat counts after its first evaluation', async () => {
    await expectFlat('lm-bottleneck', {
      'data.targetVocab': 200,
      'data.maxLength': 8,
      'data.trainSentences': 64,
    });
  });
});
