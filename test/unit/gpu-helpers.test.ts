import { describe, expect, it } from 'vitest';
import { bucketBytes } from '../../src/gpu/bufferPool';
import { blockWorkgroup, blockWorkgroupShapes, grid1d } from '../../src/tensor/workgroups';

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

describe('register-block workgroups', () => {
  const software = blockWorkgroupShapes({ smallWorkgroups: true }, [8, 8]);
  it("keep the shader's 8 × 8 on real GPUs, whatever the product", () => {
    expect(blockWorkgroup([1, 1, 64], blockWorkgroupShapes({ smallWorkgroups: false }, [8, 8]))).toEqual([8, 8, 1]);
  });
  it('on a CPU, fold small batched products into z and keep 8 × 8 for large ones', () => {
    // 64 attention products of 6 × 6: one block each, 16 batches to a workgroup.
    expect(blockWorkgroup([1, 1, 64], software)).toEqual([1, 1, 16]);
    // 64 products of 16 × 16: 2 × 2 blocks each.
    expect(blockWorkgroup([2, 2, 64], software)).toEqual([2, 2, 16]);
    // 512 × 500 logits: every shape launches the same invocations; 8 × 8 the fewest workgroups.
    expect(blockWorkgroup([63, 64, 1], software)).toEqual([8, 8, 1]);
    // 192 × 32 of a d = 32 model: 4 column blocks.
    expect(blockWorkgroup([4, 24, 1], software)).toEqual([4, 8, 1]);
  });
});
