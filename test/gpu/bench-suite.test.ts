// The suite's kernel comparisons at tiny sizes: both sides must do the same work and report it.
import { describe, expect, it } from 'vitest';
import { benchCrossEntropy, benchDecoding } from '../../src/cli/bench/suite';
import { benchVocab } from '../../src/cli/bench/training';
import { topKMethods } from '../../src/tensor/ops/nearest';
import { getEngine } from '../helpers/gpu';

describe('benchmark suite kernels', () => {
  it('times both top-k methods on the same search and names the tuned one', async () => {
    const report = await benchDecoding(await getEngine(), 9, 1500, 12, 3);
    expect(report).toMatchObject({ tokens: 9, vocab: 1500, hidden: 12, k: 3 });
    expect(report.fusedMs).toBeGreaterThan(0);
    expect(report.matmulTopKMs).toBeGreaterThan(0);
    expect(topKMethods).toContain(report.chosen);
  });

  it('times the fused and the unfused cross-entropy', async () => {
    const report = await benchCrossEntropy(await getEngine(), 7, 300);
    expect(report.fusedMs).toBeGreaterThan(0);
    expect(report.unfusedMs).toBeGreaterThan(0);
  });

  it('trains softmax and NLLvMF on the same tied-input backbone, one submit and at most 120 dispatches per step', async () => {
    const row = await benchVocab(await getEngine(), 'test adapter', 200, 1, { batchSentences: 2, tiedInput: true });
    expect(row).toMatchObject({ vocab: 200, tiedInput: true, tokensPerStep: 40 });
    for (const head of [row.softmax, row.vmf]) {
      expect(head.submitsPerStep).toBe(1);
      // The kernel launches of a 1+1-layer transformer step do not depend on V or the batch
      // (docs/performance.md, "Dispatches per training step", counts them by kernel).
      expect(head.dispatchesPerStep).toBeLessThanOrEqual(120);
      expect(head.tokensPerSecond).toBeGreaterThan(0);
    }
    expect(row.speedup).toBeCloseTo(row.vmf.tokensPerSecond / row.softmax.tokensPerSecond, 9);
  }, 120_000);
});
