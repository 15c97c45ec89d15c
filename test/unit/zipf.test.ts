import { describe, expect, it } from 'vitest';
import { zipfSampler } from '../../src/cli/bench/training';

describe('zipfSampler (training benchmark sentences)', () => {
  it('draws ids in [first, first + words), rank 1 about twice as often as rank 2, and is seeded', () => {
    const draw = zipfSampler(1000, 4, 7);
    const ids = Array.from({ length: 100_000 }, draw);
    expect(Math.min(...ids)).toBe(4);
    expect(Math.max(...ids)).toBeLessThan(1004);
    const counts = new Map<number, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    // P(r) = (1/r) / H_1000, H_1000 ≈ 7.485: rank 1 ≈ 13.4 %, rank 2 ≈ 6.7 %.
    expect(counts.get(4)! / 100_000).toBeCloseTo(1 / 7.485, 2);
    expect(counts.get(4)! / counts.get(5)!).toBeGreaterThan(1.8);
    expect(counts.get(4)! / counts.get(5)!).toBeLessThan(2.2);
    const again = zipfSampler(1000, 4, 7);
    const other = zipfSampler(1000, 4, 7);
    expect(Array.from({ length: 20 }, again)).toEqual(Array.from({ length: 20 }, other));
  });
});
