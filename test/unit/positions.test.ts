import { describe, expect, it } from 'vitest';
import { sinusoidalPositions } from '../../src/nn/positions';

describe('sinusoidal positions', () => {
  it('alternates sin and cos with wavelengths 10000^(2k/d)', () => {
    const [length, d] = [7, 5];
    const p = sinusoidalPositions(length, d);
    expect(p.length).toBe(length * d);
    for (let t = 0; t < length; t++) {
      for (let k = 0; 2 * k < d; k++) {
        const angle = t / 10000 ** ((2 * k) / d);
        expect(p[t * d + 2 * k]).toBeCloseTo(Math.sin(angle), 6);
        if (2 * k + 1 < d) expect(p[t * d + 2 * k + 1]).toBeCloseTo(Math.cos(angle), 6);
      }
    }
    // Position 0 is (0, 1, 0, 1, 0).
    expect([...p.subarray(0, d)]).toEqual([0, 1, 0, 1, 0]);
  });
});
