// The power-spherical head trained through the comparison runner on the built-in reverse task at the
// size of test/helpers/reverseTask.ts, since the suite runs on SwiftShader.
import { describe, expect, it } from 'vitest';
import { readNodeAsset } from '../../src/data/assetsNode';
import { applyOverrides } from '../../src/experiments/overrides';
import { runComparison } from '../../src/train/compare';
import { getEngine } from '../helpers/gpu';
import { tinyReverseTask } from '../helpers/reverseTask';

describe('training the power-spherical head', () => {
  it('lowers the loss and reaches ≥ 55 % validation token accuracy within 100 steps', async () => {
    const record = await runComparison({
      engine: await getEngine(),
      read: readNodeAsset,
      adapter: 'test',
      runs: [
        { label: 'power-spherical', config: applyOverrides(tinyReverseTask, { head: { kind: 'power-spherical' } }) },
      ],
      evaluation: { decodeSentences: 16 },
    });
    const run = record.runs[0]!;
    expect(run.status, run.error).toBe('finished');
    expect(run.metrics.every((m) => Number.isFinite(m.loss))).toBe(true);
    expect(run.metrics.at(-1)!.loss).toBeLessThan(run.metrics[0]!.loss);
    // Chance is 1/12 ≈ 8 %. Measured on SwiftShader at step 100: 69 %, the loss from 2.2 to −2.8 (NLLvMF:
    // 66 %, test/gpu/train-seq2seq.test.ts).
    expect(run.evals.at(-1)!.accuracy1).toBeGreaterThanOrEqual(0.55);
  }, 240_000);
});
