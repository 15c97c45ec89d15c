import { describe, expect, it } from 'vitest';
import { randomArray } from '../../src/math/random';
import { matmulCases, matmulChecks, operandShapes, describeCase, transpositions } from '../../src/selftest/checks/matmul';
import { gradCheck } from '../../src/selftest/gradcheck';
import { matmul } from '../../src/tensor/ops/matmul';
import { matmulSource } from '../../src/tensor/ops/matmulKernels';
import { chooseMatmulVariant, kernelFor, matmulChoice, matmulVariants, setMatmulVariant } from '../../src/tensor/ops/matmulVariants';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('matmul kernels against the float64 reference', () => {
  itPassesChecks(matmulChecks);
});

describe('matmul shapes', () => {
  it('gives [Z, M, N] for batched operands and [M, N] for 2-D ones', async () => {
    const engine = await getEngine();
    const shapes = engine.tidy(() => {
      const a = engine.fill([4, 3, 5], 1);
      const b = engine.fill([5, 2], 1);
      return [matmul(a, b).shape, matmul(engine.fill([3, 5], 1), engine.fill([4, 5, 2], 1)).shape, matmul(b, b, { transposeA: true }).shape];
    });
    expect(shapes).toEqual([[4, 3, 2], [4, 3, 2], [2, 2]]);
  });

  it('rejects mismatched inner or batch sizes with the shapes in the message', async () => {
    const engine = await getEngine();
    engine.tidy(() => {
      expect(() => matmul(engine.fill([3, 4], 1), engine.fill([5, 2], 1))).toThrow(/inner sizes differ in \[3×4\] · \[5×2\]/);
      expect(() => matmul(engine.fill([2, 3, 4], 1), engine.fill([3, 4, 2], 1))).toThrow(/batch sizes differ/);
      expect(() => matmul(engine.fill([4], 1), engine.fill([4, 2], 1))).toThrow(/2-D or 3-D/);
    });
  });

  it('generates a register kernel with every template slot filled', () => {
    for (const kernel of ['register8', 'register32'] as const) expect(matmulSource(kernel)).not.toMatch(/\{\{/);
    expect(matmulSource('register32').match(/\+= a\d+ \* b\d+;/g)).toHaveLength(32 * 8);
  });
});

describe('matmul gradients (finite differences)', () => {
  // Small sizes that still cross vec4 column groups and leave ragged edges.
  const gradCases = [
    { m: 3, k: 5, n: 6 },
    { m: 3, k: 5, n: 6, batch: 2 },
    { m: 3, k: 5, n: 6, batch: 2, shared: 'B' as const },
    { m: 3, k: 5, n: 6, batch: 2, shared: 'A' as const },
  ];
  for (const c of gradCases) {
    for (const t of transpositions) {
      it(`${t.name} ${describeCase(c)}`, async () => {
        const engine = await getEngine();
        const [aShape, bShape] = operandShapes(c, t.transposeA, t.transposeB);
        const a = Float32Array.from(randomArray(aShape.reduce((x, y) => x * y, 1), 31));
        const b = Float32Array.from(randomArray(bShape.reduce((x, y) => x * y, 1), 32));
        const r = await gradCheck(engine, ([x, y]) => matmul(x!, y!, t), [
          { data: a, shape: aShape },
          { data: b, shape: bShape },
        ]);
        expect(r.maxRelError).toBeLessThan(2e-3);
      });
    }
  }

  it.each(['tiled', 'register32'] as const)('backward through the %s kernel (shared B, Aᵀ·B)', async (kernel) => {
    const engine = await getEngine();
    const c = { m: 9, k: 7, n: 10, batch: 2, shared: 'B' as const };
    const [aShape, bShape] = operandShapes(c, true, false);
    const r = await gradCheck(engine, ([x, y]) => matmul(x!, y!, { transposeA: true, kernel }), [
      { data: Float32Array.from(randomArray(aShape.reduce((x, y) => x * y, 1), 41)), shape: aShape },
      { data: Float32Array.from(randomArray(bShape.reduce((x, y) => x * y, 1), 42)), shape: bShape },
    ]);
    expect(r.maxRelError).toBeLessThan(2e-3);
  });
});

describe('matmul variant choice', () => {
  it('uses the 32×32 register block only for large, wide products', () => {
    expect(kernelFor('register', 1024, 1024, 1024)).toBe('register32');
    expect(kernelFor('register', 8, 10240, 512)).toBe('register8');
    expect(kernelFor('register', 64, 64, 64)).toBe('register8');
    expect(kernelFor('tiled', 1, 1, 1)).toBe('tiled');
  });

  it('times the variants on this adapter and remembers the winner; an explicit setting overrides it', async () => {
    const engine = await getEngine();
    const choice = await chooseMatmulVariant(engine, 128);
    expect(matmulVariants).toContain(choice.variant);
    for (const v of matmulVariants) expect(choice.timings?.[v]).toBeGreaterThan(0);
    expect(matmulChoice(engine)).toBe(choice);
    setMatmulVariant(engine, 'tiled');
    expect(matmulChoice(engine)).toMatchObject({ variant: 'tiled', source: 'set' });
    // Every case still matches the reference through the engine's (now tiled) default.
    const c = matmulCases[2]!;
    const [aShape, bShape] = operandShapes(c, false, false);
    const a = Float32Array.from(randomArray(aShape[0]! * aShape[1]!, 5));
    const b = Float32Array.from(randomArray(bShape[0]! * bShape[1]!, 6));
    const out = await engine.tidy(() => matmul(engine.tensor(a, aShape), engine.tensor(b, bShape))).read();
    expect(out[0]).toBeCloseTo(Array.from({ length: c.k }, (_, p) => a[p]! * b[p * c.n]!).reduce((x, y) => x + y), 4);
  });
});
