// The ReWE head (softmax plus a regressed target embedding, methods.md "ReWE") trained through the
// comparison runner on the built-in reverse task at the size of test/helpers/reverseTask.ts, since the
// suite runs on SwiftShader: it trains, and its softmax part decodes.
import { describe, expect, it } from 'vitest';
import { readNodeAsset } from '../../src/data/assetsNode';
import { applyOverrides } from '../../src/experiments/overrides';
import { runComparison } from '../../src/train/compare';
import { getEngine } from '../helpers/gpu';
import { tinyReverseTask } from '../helpers/reverseTask';

describe('training the ReWE head', () => {
  // Chance is 1/12 ≈ 8 %; the softmax head reaches 74 % here (test/gpu/train-seq2seq.test.ts).
  it('reaches ≥ 55 % validation token accuracy within 100 steps, decoding by its softmax', async () => {
    const config = applyOverrides(tinyReverseTask, { head: { kind: 'rewe' } });
    const record = await runComparison({
      engine: await getEngine(),
      read: readNodeAsset,
      adapter: 'test',
      runs: [{ label: 'ReWE', config }],
      evaluation: { decodeSentences: 16 },
    });
    const run = record.runs[0]!;
    expect(run.status, run.error).toBe('finished');
    expect(run.metrics.at(-1)!.loss).toBeLessThan(run.metrics[0]!.loss);
    const final = run.evals.at(-1)!;
    expect(final.accuracy1).toBeGreaterThanOrEqual(0.55);
    expect(final.bleu).toBeGreaterThan(0);
    // Perplexity is the softmax's alone: below exp of the validation loss, which adds λ·(1 − cos).
    expect(final.perplexity).toBeGreaterThan(1);
    expect(Math.log(final.perplexity!)).toBeLessThan(final.validLoss);
    // The frozen table is the task's V·m floats (V = m = 16).
    expect(run.memory!.frozen).toBe(16 * 16 * 4);
  }, 240_000);
});
