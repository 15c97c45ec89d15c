// The synthetic softmax-bottleneck task: seeded generator, full-rank log p*, settings errors.
import { describe, expect, it } from 'vitest';
import { bottleneckTask, numericRank, parseBottleneckConfig, targetSampler } from '../../src/experiments/bottleneck';

const small = { contexts: 12, vocab: 10, temperature: 1, seed: 5 };

describe('the synthetic bottleneck generator', () => {
  it('is deterministic for a seed and changes with it', () => {
    const a = bottleneckTask(small);
    expect(bottleneckTask(small)).toEqual(a);
    expect(bottleneckTask({ ...small, seed: 6 }).probs).not.toEqual(a.probs);
    const draws = targetSampler(a, 3, 9);
    const again = targetSampler(a, 3, 9);
    expect(draws()).toEqual(again());
  });

  it('gives rows summing to 1, the entropy and the argmax of each row', () => {
    const { probs, logProbs, entropy, argmax, vocab } = bottleneckTask(small);
    let h = 0;
    for (let c = 0; c < small.contexts; c++) {
      const row = Array.from(probs.subarray(c * vocab, (c + 1) * vocab));
      expect(row.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
      expect(argmax[c]).toBe(row.indexOf(Math.max(...row)));
      h -= row.reduce((s, p, y) => s + p * logProbs[c * vocab + y]!, 0);
    }
    expect(entropy).toBeCloseTo(h / small.contexts, 12);
    // A lower temperature sharpens p*.
    expect(bottleneckTask({ ...small, temperature: 0.3 }).entropy).toBeLessThan(entropy);
  });

  it('has a log-probability matrix of rank min(N, V), unlike a rank-2 product', () => {
    const task = bottleneckTask(small);
    expect(numericRank(task.logProbs, small.contexts, small.vocab)).toBe(10);
    const square = bottleneckTask({ ...small, vocab: 12 });
    expect(numericRank(square.logProbs, 12, 12)).toBe(12);
    const lowRank = Float64Array.from({ length: 12 * 10 }, (_, i) => Math.floor(i / 10) * (i % 10) + (i % 10) ** 2);
    expect(numericRank(lowRank, 12, 10)).toBe(2);
  });

  it('draws targets in proportion to p*', () => {
    const task = bottleneckTask({ contexts: 1, vocab: 4, temperature: 0.5, seed: 2 });
    const targets = targetSampler(task, 40_000, 3)();
    for (let y = 0; y < 4; y++)
      expect(targets.filter((t) => t === y).length / targets.length).toBeCloseTo(task.probs[y]!, 2);
  });
});

describe('the bottleneck settings', () => {
  it('fills the defaults', () => {
    const config = parseBottleneckConfig({});
    expect(config).toMatchObject({
      contexts: 256,
      vocab: 256,
      temperature: 1,
      dims: [2, 4, 8, 16, 32, 64],
      steps: 300,
      samplesPerContext: 4,
      learningRate: 0.01,
    });
    expect(config.heads).toEqual([
      { kind: 'softmax' },
      { kind: 'plif', pieces: 1000 },
      { kind: 'mos', components: 15 },
    ]);
  });

  it('names the field in every error', () => {
    const message = (input: unknown) => {
      try {
        parseBottleneckConfig(input);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(message({ contexts: 0 })).toMatch(/contexts must be an integer from 1/);
    expect(message({ temperature: -1 })).toMatch(/temperature must be above 0/);
    expect(message({ dims: [2, 'x'] })).toMatch(/dims\[1\] must be an integer/);
    expect(message({ heads: [{ kind: 'plif', pieces: 1 }] })).toMatch(/heads\[0\]\.pieces must be an integer from 2/);
    expect(message({ heads: [{ kind: 'l2' }] })).toMatch(/heads must list vocabulary-scoring heads only/);
    expect(message({ stepz: 3 })).toMatch(/stepz is not a known setting/);
  });
});

describe('the synthetic bottleneck settings', () => {
  it('refuse a task whose CPU tables would not fit, naming the product', () => {
    expect(() => parseBottleneckConfig({ contexts: 65_536, vocab: 65_536 })).toThrow(
      /vocab must keep contexts × vocab at most 16,777,216/,
    );
    expect(parseBottleneckConfig({ contexts: 4096, vocab: 4096 }).vocab).toBe(4096);
  });

  it('refuse a tied head: the contexts are free vectors, with no input embedding to tie to', () => {
    expect(() => parseBottleneckConfig({ heads: [{ kind: 'plif', tied: true }] })).toThrow(/heads must not tie a head/);
  });
});
