import { describe, expect, it } from 'vitest';
import { bucketBytes } from '../../src/gpu/bufferPool';
import { grid1d } from '../../src/tensor/workgroups';

describe('buffer buckets', () => {
  it('round up by at most 25 % and are stable', () => {
    for (const bytes of [1, 255, 256, 257, 1000, 4096, 4097, 12345, 1 << 20, 3e8]) {
      const b = bucketBytes(bytes);
      expect(b).toBeGreaterThanOrEqual(bytes);
      expect(bucketBytes(b)).toBe(b);
      if (bytes > 256) expect(b / bytes).toBeLessThanOrEqual(1.25);
    }
  });
});

describe('dispatch grid', () => {
  it('folds more than 65535 workgroups into two dimensions', () => {
    expect(grid1d(256 * 10)).toEqual([10, 1]);
    const [x, y] = grid1d(256 * 65535 * 3 + 1);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y * 256).toBeGreaterThanOrEqual(256 * 65535 * 3 + 1);
  });
});
