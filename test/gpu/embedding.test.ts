import { describe, expect, it } from 'vitest';
import { embeddingChecks, embeddingOnGpu } from '../../src/selftest/checks/embedding';
import { embedding, invertIndices, uploadIndices } from '../../src/tensor/ops/embedding';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('embedding kernels against float64 references', () => {
  itPassesChecks(embeddingChecks);

  it('gives [...ids.shape, d] and zero rows for padding ids', async () => {
    const engine = await getEngine();
    const r = await embeddingOnGpu(engine, { rows: 5, width: 3, idsShape: [2, 4] }, 5);
    expect(r.outShape).toEqual([2, 4, 3]);
    expect(r.ids).toContain(-1);
    expect(r.out.some((v) => v !== 0)).toBe(true);
    r.ids.forEach((id, p) => {
      if (id < 0) expect([...r.out.slice(p * 3, p * 3 + 3)]).toEqual([0, 0, 0]);
    });
  });
});

describe('embedding ids upload', () => {
  it('builds the inverse map: rows ascending, positions ascending within a row, padding left out', () => {
    const ids = Int32Array.from([4, -1, 0, 4, 2, 0, -3, 4]);
    const inverse = invertIndices(ids, 6);
    expect([...inverse.uniqueRows]).toEqual([0, 2, 4]);
    expect([...inverse.offsets]).toEqual([0, 2, 3, 6]);
    expect([...inverse.positions]).toEqual([2, 5, 4, 0, 3, 7]);
  });

  it('refuses an id ≥ V, naming the id, its position and V', async () => {
    const engine = await getEngine();
    expect(() => uploadIndices(engine, Int32Array.from([1, 2, 7, 0]), [4], 7)).toThrow(/id 7 at position 2 .* V=7/);
    expect(() => uploadIndices(engine, Int32Array.from([1, 2]), [3], 7)).toThrow(/do not fill/);
  });

  it('refuses a table whose row count differs from the V the ids were checked against', async () => {
    const engine = await getEngine();
    engine.tidy(() => {
      const index = uploadIndices(engine, Int32Array.from([0, 1]), [2], 3);
      expect(() => embedding(engine.fill([4, 2], 1), index)).toThrow(/V=3/);
    });
  });
});

describe('embedding backward', () => {
  it('is deterministic: the same bits on every run even with many repeated ids', async () => {
    const engine = await getEngine();
    const shape = { rows: 3, width: 33, idsShape: [257] };
    const first = await embeddingOnGpu(engine, shape, 17);
    const second = await embeddingOnGpu(engine, shape, 17);
    expect(Buffer.from(second.gradTable.buffer).equals(Buffer.from(first.gradTable.buffer))).toBe(true);
  });
});
