import { describe, expect, it } from 'vitest';
import { buildTargetTable } from '../../src/heads/targetTable';

describe('buildTargetTable', () => {
  const specials = { pad: 0, unk: 1, bos: 2, eos: 3 };
  const vectors: Record<number, number[]> = { 4: [3, 4], 5: [0, -2] };
  const table = buildTargetTable(7, 2, (id) => vectors[id], specials, [
    [1, 0],
    [0, 1],
  ]);
  const row = (id: number) => Array.from(table.subarray(id * 2, id * 2 + 2));

  it('normalises word rows to unit length', () => {
    expect(row(4)[0]).toBeCloseTo(0.6, 6);
    expect(row(4)[1]).toBeCloseTo(0.8, 6);
    expect(row(5)).toEqual([0, -1]);
  });
  it('sets PAD and BOS to zero and EOS to the normalised all-ones vector', () => {
    expect(row(0)).toEqual([0, 0]);
    expect(row(2)).toEqual([0, 0]);
    row(3).forEach((x) => expect(x).toBeCloseTo(Math.SQRT1_2, 6));
  });
  it('makes UNK the normalised mean of the out-of-vocabulary vectors and gives it to words without one', () => {
    row(1).forEach((x) => expect(x).toBeCloseTo(Math.SQRT1_2, 6));
    expect(row(6)).toEqual(row(1));
  });
  it('leaves UNK zero when no out-of-vocabulary vectors are given', () => {
    const bare = buildTargetTable(7, 2, (id) => vectors[id], specials);
    expect(Array.from(bare.subarray(2, 4))).toEqual([0, 0]);
  });
});
