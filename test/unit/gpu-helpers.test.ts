import { describe, expect, it } from 'vitest';
import { bucketBytes } from '../../src/gpu/bufferPool';
import { specialize } from '../../src/gpu/pipelines';
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

describe('shader specialisation', () => {
  const source = 'const TILE: u32 = 4u;\nconst ROWS = 8;\nfn f() { let TILE2 = 3; }';
  it('rewrites top-level const values only', () => {
    expect(specialize(source, { TILE: '16u', ROWS: 2 })).toBe(
      'const TILE: u32 = 16u;\nconst ROWS = 2;\nfn f() { let TILE2 = 3; }',
    );
  });
  it('rejects a constant the shader does not declare', () => {
    expect(() => specialize(source, { COLS: 1 })).toThrow(/COLS/);
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
