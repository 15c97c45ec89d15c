import { expect, it } from 'vitest';
import { principalComponents, project } from '../../src/math/pca';
import { normalSampler } from '../../src/math/random';

it('finds the directions of largest variance and projects onto them', () => {
  // Points spread 10× more along (1, 1, 0)/√2 than along (0, 0, 1), barely along (1, −1, 0).
  const normal = normalSampler(7);
  const count = 500;
  const rows = new Float64Array(count * 3);
  for (let r = 0; r < count; r++) {
    const [a, b, c] = [10 * normal(), 3 * normal(), 0.1 * normal()];
    rows.set([a / Math.SQRT2 + c / Math.SQRT2 + 5, a / Math.SQRT2 - c / Math.SQRT2, b], r * 3);
  }
  const { components, mean } = principalComponents(rows, count, 3);
  expect(Math.abs(components[0]![0]! * Math.SQRT1_2 + components[0]![1]! * Math.SQRT1_2)).toBeCloseTo(1, 3);
  expect(Math.abs(components[1]![2]!)).toBeCloseTo(1, 3);
  expect(mean[0]).toBeCloseTo(5, 0);
  const [x, y] = project({ components, mean }, [5, 0, 0]);
  expect(Math.abs(x!)).toBeLessThan(1);
  expect(Math.abs(y!)).toBeLessThan(1);
});
