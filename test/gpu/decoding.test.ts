// Greedy decoding one position at a time must see exactly what teacher forcing sees: the states the
// incremental decoder returns (with the Transformer's key/value cache, or the LSTM's carried state)
// equal the teacher-forced forward pass's states at every position.
import { describe, expect, it } from 'vitest';
import { readNodeAsset } from '../../src/data/assetsNode';
import { buildBatch } from '../../src/data/batching';
import { defaultConfig } from '../../src/experiments/config';
import { buildModel } from '../../src/experiments/model';
import { applyOverrides, mergeConfig } from '../../src/experiments/overrides';
import { prepareTask } from '../../src/experiments/task';
import { sequenceBatch } from '../../src/train/run';
import { getEngine } from '../helpers/gpu';

const tiny = mergeConfig(defaultConfig, {
  dataset: 'synthetic-reverse',
  data: { sourceVocab: 16, targetVocab: 16, maxLength: 5, trainSentences: 40, validSentences: 8 },
  embeddings: { source: 'in-app', dimension: 16 },
  model: { encoderLayers: 2, decoderLayers: 2, dModel: 32, heads: 4, ffn: 48, dropout: 0.3 },
});

describe.each(['transformer', 'lstm'] as const)('incremental decoding (%s)', (backbone) => {
  it('gives the teacher-forced states at every position', async () => {
    const engine = await getEngine();
    const config = applyOverrides(tiny, { 'model.backbone': backbone, 'model.positions': 'learned' });
    const task = await prepareTask(readNodeAsset, config);
    const model = buildModel(engine, config, task);
    const batch = buildBatch(task.valid, [0, 1, 2]);
    const d = config.model.dModel;
    const forced = await engine.withoutGradients(() =>
      engine.tidy(() => engine.read(model.backbone.forward(engine, sequenceBatch(batch), { dropout: 0 }))),
    );
    const decoder = model.backbone.decoder(engine, sequenceBatch(batch));
    let worst = 0;
    for (let t = 0; t < batch.length; t++) {
      const ids = Int32Array.from({ length: batch.size }, (_, b) => batch.input[b * batch.length + t]!);
      const states = await engine.read(decoder.next(ids));
      for (let b = 0; b < batch.size; b++) {
        for (let j = 0; j < d; j++)
          worst = Math.max(worst, Math.abs(states[b * d + j]! - forced[(b * batch.length + t) * d + j]!));
      }
    }
    decoder.release();
    model.release();
    expect(worst).toBeLessThan(1e-4);
  }, 120_000);
});
