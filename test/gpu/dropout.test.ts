import { describe, expect, it } from 'vitest';
import { randomArray } from '../../src/math/random';
import { dropoutApply, dropoutMask, philox4x32, randomWords } from '../../src/math/reference/dropout';
import { dropoutChecks } from '../../src/selftest/checks/dropout';
import { dropout } from '../../src/tensor/ops/dropout';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('Philox-4x32-10 CPU reference', () => {
  // Known-answer vectors published with Random123 (kat_vectors, philox4x32 with 10 rounds).
  it.each([
    [
      [0, 0, 0, 0],
      [0, 0],
      [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
    ],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
    ],
  ])('counter %j key %j', (counter, key, expected) => {
    expect(philox4x32(counter, key)).toEqual(expected);
  });
});

describe('dropout kernels against float64 references', () => {
  itPassesChecks(dropoutChecks);
});

/** The GPU keep mask of a stream: dropout of a tensor of ones is 1/(1−p) where kept, 0 where dropped. */
async function gpuMask(n: number, p: number, seed: number, step: number): Promise<Uint8Array> {
  const engine = await getEngine();
  const y = await engine.tidy(() => dropout(engine.fill([n], 1), p, seed, step)).read();
  return Uint8Array.from(y, (v) => (v !== 0 ? 1 : 0));
}

const differences = (a: Uint8Array, b: Uint8Array) => a.reduce((count, v, i) => count + (v !== b[i] ? 1 : 0), 0);

describe('dropout mask', () => {
  const n = 4099;
  it.each([0.1, 0.5, 0.9])(
    'keeps a fraction within 5σ of 1−p and matches the CPU mask bit for bit (p=%f)',
    async (p) => {
      const mask = await gpuMask(n, p, 1234, 7);
      const kept = mask.reduce((a, b) => a + b, 0);
      const sigma = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(kept - n * (1 - p))).toBeLessThan(5 * sigma);
      expect(differences(mask, dropoutMask(n, p, 1234, 7))).toBe(0);
    },
  );

  it('keeps an element whose word equals the threshold (word ≥ threshold)', async () => {
    const words = randomWords(17, 77, 2);
    const p = words[5]! / 2 ** 32;
    const mask = await gpuMask(17, p, 77, 2);
    expect(mask[5]).toBe(1);
    expect(differences(mask, dropoutMask(17, p, 77, 2))).toBe(0);
  });

  it('is reproducible for one (seed, step) and changes with either', async () => {
    const base = await gpuMask(n, 0.5, 99, 1);
    expect(differences(base, await gpuMask(n, 0.5, 99, 1))).toBe(0);
    // Independent masks at p = 0.5 differ in about half the elements.
    for (const other of [await gpuMask(n, 0.5, 99, 2), await gpuMask(n, 0.5, 100, 1)]) {
      expect(Math.abs(differences(base, other) - n / 2)).toBeLessThan(5 * Math.sqrt(n / 4));
    }
  });

  it('scales kept elements by 1/(1−p); p = 0 is the identity; p outside [0, 1) is refused', async () => {
    const engine = await getEngine();
    const x = Float32Array.from(randomArray(65, 5));
    const y = await engine.tidy(() => dropout(engine.tensor(x, [5, 13]), 0.25, 3, 4)).read();
    y.forEach((v, i) => expect(v === 0 || Math.abs(v - x[i]! / 0.75) <= 1e-6 * Math.abs(x[i]! / 0.75)).toBe(true));
    engine.tidy(() => {
      const t = engine.tensor(x, [65]);
      expect(dropout(t, 0, 3, 4)).toBe(t);
      expect(() => dropout(t, 1, 3, 4)).toThrow(/\[0, 1\)/);
      expect(() => dropout(t, 0.5, -1, 4)).toThrow(/seed must be a u32/);
    });
  });
});

describe('dropout backward', () => {
  it('regenerates the forward mask for the gradient', async () => {
    const engine = await getEngine();
    const dy = Float32Array.from(randomArray(3 * 17 * 5, 8));
    const dx = await engine
      .tidy(() => {
        const x = engine.fill([3, 17, 5], 1);
        x.requiresGrad = true;
        const y = dropout(x, 0.4, 21, 9);
        engine.backward(y, engine.tensor(dy, y.shape));
        return x.grad!;
      })
      .read();
    const reference = dropoutApply(dy, 0.4, 21, 9);
    dx.forEach((v, i) =>
      expect(Math.abs(v - reference[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(reference[i]!))),
    );
  });
});
