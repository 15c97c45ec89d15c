// The suite's kernel comparisons at tiny sizes: both sides must do the same work and report it.
import { describe, expect, it } from 'vitest';
import { benchCrossEntropy, benchDecoding } from '../../src/cli/bench/suite';
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
});
