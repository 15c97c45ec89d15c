// Random target tables (methods.md "Random target embeddings"): bit-for-bit determinism, unit rows,
// the sphere's uniformity, the hypercube's values, and the mix at its ends.
import { describe, expect, it } from 'vitest';
import { mixTables, randomTable } from '../../src/embeddings/randomTargets';
import { logGamma } from '../../src/math/gamma';
import { keyedBits, keyedNormals, portableLog } from '../../src/math/portableRandom';

const bytes = (table: Float32Array) => new Uint8Array(table.buffer, table.byteOffset, table.byteLength);
const rowOf = (table: Float32Array, m: number, w: number) => table.subarray(w * m, (w + 1) * m);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j]! * b[j]!;
  return sum;
};

describe('portableRandom', () => {
  it('takes logarithms within a few units in the last place of Math.log', () => {
    const points = [5e-324, 1e-300, 2 ** -106, 1e-9, 0.001, 0.3, Math.SQRT1_2, 1 - 1e-9, 1, 1 + 1e-12, Math.E, 1e300];
    for (const x of points) {
      const exact = Math.log(x);
      expect(Math.abs(portableLog(x) - exact)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(exact));
    }
    for (const x of [0, -1, Number.POSITIVE_INFINITY, Number.NaN]) expect(() => portableLog(x)).toThrow(RangeError);
  });

  it('draws standard normals: mean 0 and variance 1 over 100,000 samples', () => {
    const normal = keyedNormals(7, 3);
    const samples = Float64Array.from({ length: 100_000 }, () => normal());
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
    const variance = samples.reduce((s, x) => s + (x - mean) ** 2, 0) / samples.length;
    // Standard errors 0.003 and 0.0045: the bounds are about 5 of them.
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(Math.abs(variance - 1)).toBeLessThan(0.025);
    expect(samples.filter((x) => Math.abs(x) > 1.96).length / samples.length).toBeCloseTo(0.05, 2);
  });

  it('draws fair bits', () => {
    const bit = keyedBits(1, 0);
    let ones = 0;
    for (let i = 0; i < 64_000; i++) ones += bit();
    expect(Math.abs(ones / 64_000 - 0.5)).toBeLessThan(0.01);
  });
});

describe.each(['random-sphere', 'random-hypercube'] as const)('randomTable %s', (kind) => {
  const V = 600;
  const m = 64;
  const table = randomTable(kind, V, m, 1);

  it('gives the same bytes for the same seed, and other bytes for another seed', () => {
    expect(bytes(randomTable(kind, V, m, 1))).toEqual(bytes(table));
    const other = randomTable(kind, V, m, 2);
    for (let w = 0; w < V; w++) expect(bytes(rowOf(other, m, w))).not.toEqual(bytes(rowOf(table, m, w)));
  });

  it('draws a word’s row from its id alone, whatever the vocabulary size', () => {
    expect(bytes(randomTable(kind, 50, m, 1))).toEqual(bytes(table.subarray(0, 50 * m)));
  });

  it('has unit rows', () => {
    for (let w = 0; w < V; w++) {
      const row = rowOf(table, m, w);
      expect(Math.abs(Math.sqrt(dot(row, row)) - 1)).toBeLessThan(1e-6);
    }
  });

  it('spreads its rows evenly: a mean vector near 0 and the mean |cos| of a uniform draw', () => {
    const mean = new Float64Array(m);
    for (let w = 0; w < V; w++) for (let j = 0; j < m; j++) mean[j]! += table[w * m + j]! / V;
    // V·‖mean‖² of V independent unit rows is about χ²_m/m: near 1, and below 2 but by chance once in 10⁵.
    expect(V * dot(mean, mean)).toBeLessThan(2);
    let sum = 0;
    let pairs = 0;
    for (let a = 0; a < V; a++)
      for (let b = a + 1; b < V; b++, pairs++) sum += Math.abs(dot(rowOf(table, m, a), rowOf(table, m, b)));
    // For x, y uniform on the unit sphere of R^m, E|xᵀy| = Γ(m/2) / (√π Γ((m+1)/2)) = 0.1001 at m = 64; for
    // two ±1/√m corners it is C(m, m/2)/2^m = 0.0993. The mean over 180,000 pairs has a standard error near 0.0002.
    const expected =
      kind === 'random-sphere'
        ? Math.exp(logGamma(m / 2) - logGamma((m + 1) / 2)) / Math.sqrt(Math.PI)
        : Math.exp(logGamma(m + 1) - 2 * logGamma(m / 2 + 1) - m * Math.LN2);
    expect(Math.abs(sum / pairs - expected)).toBeLessThan(0.0015);
  });
});

describe('randomTable values', () => {
  it('puts every hypercube coordinate at ±1/√m, with both signs equally often', () => {
    const m = 100;
    const table = randomTable('random-hypercube', 300, m, 5);
    const coordinate = Math.fround(1 / Math.sqrt(m));
    expect(table.every((x) => x === coordinate || x === -coordinate)).toBe(true);
    const positive = table.filter((x) => x > 0).length / table.length;
    expect(Math.abs(positive - 0.5)).toBeLessThan(0.01);
  });

  it('keeps the exact values it has always drawn (a change here breaks every shared link)', () => {
    expect(Array.from(randomTable('random-sphere', 2, 3, 1))).toEqual([
      0.6668683886528015, 0.4834018349647522, -0.5671060085296631, 0.7944083213806152, 0.01601312682032585,
      -0.607172966003418,
    ]);
    expect(Array.from(randomTable('random-hypercube', 1, 16, 1)).map(Math.sign)).toEqual([
      -1, -1, -1, -1, -1, -1, -1, 1, 1, 1, 1, -1, -1, 1, -1, 1,
    ]);
    // FNV-1a of every byte of larger tables, so that no row or rejection path can drift unseen.
    const fnv1a = (table: Float32Array) =>
      bytes(table).reduce((hash, byte) => Math.imul(hash ^ byte, 0x01000193) >>> 0, 0x811c9dc5);
    expect(fnv1a(randomTable('random-sphere', 100, 64, 1)).toString(16)).toBe('e9b3cc97');
    expect(fnv1a(randomTable('random-hypercube', 100, 64, 1)).toString(16)).toBe('4d4f2145');
  });
});

describe('mixTables', () => {
  const m = 32;
  const V = 200;
  const pretrained = randomTable('random-hypercube', V, m, 11);
  const random = randomTable('random-sphere', V, m, 12);
  pretrained.fill(0, 0, m); // a PAD-like zero row in both
  random.fill(0, 0, m);

  it('is the pretrained table at α = 1 and the random one at α = 0, byte for byte', () => {
    expect(bytes(mixTables(pretrained, random, m, 1))).toEqual(bytes(pretrained));
    expect(bytes(mixTables(pretrained, random, m, 0))).toEqual(bytes(random));
  });

  it('normalises α·p + (1 − α)·r row by row, keeping zero rows zero', () => {
    const alpha = 0.5;
    const mixed = mixTables(pretrained, random, m, alpha);
    expect(Array.from(rowOf(mixed, m, 0))).toEqual(new Array(m).fill(0));
    let cosineSum = 0;
    for (let w = 1; w < V; w++) {
      const row = rowOf(mixed, m, w);
      expect(Math.abs(Math.sqrt(dot(row, row)) - 1)).toBeLessThan(1e-6);
      const p = rowOf(pretrained, m, w);
      const r = rowOf(random, m, w);
      const c = dot(p, r);
      // normalize(p + r) for unit p and r has cosine (1 + c)/√(2 + 2c) with p.
      expect(dot(row, p)).toBeCloseTo((1 + c) / Math.sqrt(2 + 2 * c), 5);
      cosineSum += dot(row, p);
    }
    // Nearly orthogonal p and r: cos(e, p) ≈ α/√(α² + (1 − α)²) = 0.71 (methods.md).
    expect(cosineSum / (V - 1)).toBeCloseTo(Math.SQRT1_2, 1);
  });

  it('refuses tables of different sizes', () => {
    expect(() => mixTables(pretrained, random.subarray(m), m, 0.5)).toThrow(
      'Cannot mix tables of 6400 and 6368 values',
    );
  });
});
