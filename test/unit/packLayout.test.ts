import { describe, expect, it } from 'vitest';
import { packJobs, packLayout } from '../../src/nn/packLayout';

describe('packing parameters into shared buffers', () => {
  it('places each at an aligned start and opens a new pack where the capacity would be passed', () => {
    expect(packLayout([561, 33, 300, 7, 3, 250], 64, 1024)).toEqual([
      { members: [0, 1, 2, 3], starts: [0, 576, 640, 960], floats: 1024 },
      { members: [4, 5], starts: [0, 64], floats: 320 },
    ]);
  });

  it('refuses a parameter larger than one buffer, naming its size', () => {
    expect(() => packLayout([10, 2000], 64, 1024)).toThrow(/2000 elements exceeds one buffer \(1024\)/);
  });

  it('cuts each member into pieces of whole vec4s that never straddle two members', () => {
    const sizes = [4099 * 4, 3, 0];
    const [pack] = packLayout(sizes, 64, 1 << 20);
    expect(packJobs(pack!, sizes, 1024)).toEqual([
      ...[0, 1, 2, 3].map((k) => ({ row: 0, first: k * 1024, end: (k + 1) * 1024 })),
      { row: 0, first: 4096, end: 4099 },
      { row: 1, first: 4112, end: 4113 },
      { row: 2, first: 4128, end: 4128 },
    ]);
  });
});
