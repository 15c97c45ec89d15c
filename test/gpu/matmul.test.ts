import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomArray } from '../../src/math/random';
import { Linear } from '../../src/nn/linear';
import { matmulCases, matmulChecks, operandShapes } from '../../src/selftest/checks/matmul';
import { Engine } from '../../src/tensor/engine';
import { fileKernelChoices } from '../../src/tensor/nodeKernelChoices';
import { matmul } from '../../src/tensor/ops/matmul';
import {
  dispatchMatmul,
  matmulGeometry,
  matmulKernels,
  matmulPipeline,
  matmulSource,
  type MatmulKernelName,
} from '../../src/tensor/ops/matmulKernels';
import {
  matmulTunable,
  matmulTunableAt,
  matmulVariants,
  precompileMatmulKernels,
  timeKernel,
} from '../../src/tensor/ops/matmulVariants';
import { currentChoice, setChoice, tune, type Tunable } from '../../src/tensor/tuning';
import { medianSubmitMs } from '../../src/tensor/timing';
import { sumAll } from '../../src/tensor/ops/reduce';
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
      return [
        matmul(a, b).shape,
        matmul(engine.fill([3, 5], 1), engine.fill([4, 5, 2], 1)).shape,
        matmul(b, b, { transposeA: true }).shape,
      ];
    });
    expect(shapes).toEqual([
      [4, 3, 2],
      [4, 3, 2],
      [2, 2],
    ]);
  });

  it('rejects mismatched inner or batch sizes with the shapes in the message', async () => {
    const engine = await getEngine();
    engine.tidy(() => {
      expect(() => matmul(engine.fill([3, 4], 1), engine.fill([5, 2], 1))).toThrow(
        /inner sizes differ in \[3×4\] · \[5×2\]/,
      );
      expect(() => matmul(engine.fill([2, 3, 4], 1), engine.fill([3, 4, 2], 1))).toThrow(/batch sizes differ/);
      expect(() => matmul(engine.fill([4], 1), engine.fill([4, 2], 1))).toThrow(/2-D or 3-D/);
    });
  });

  it('generates every register kernel with its slots filled: one dot product per output and step', () => {
    for (const [name, shape] of Object.entries(matmulKernels)) {
      if (shape.kind !== 'register') continue;
      const source = matmulSource(name as MatmulKernelName);
      expect(source, name).not.toMatch(/\{\{/);
      expect(source.match(/acc\d+_\d+ \+= dot\(a\d+, b\d+\);/g), name).toHaveLength(shape.rows * shape.cols);
      // Only the strided kernels zero the operands past K (the vec4 ones require K % 4 = 0).
      expect(source.includes('k + 4u > dims.k'), name).toBe(shape.readA === 'strided');
    }
  });

  it('refuses a forced kernel that cannot read the operands', async () => {
    const engine = await getEngine();
    engine.tidy(() => {
      const a = engine.fill([4, 8], 1);
      const b = engine.fill([8, 4], 1);
      expect(() => matmul(a, b, { kernel: 'vec4ABt8' })).toThrow(/vec4ABt8 cannot read/);
      expect(() => matmul(a, b, { kernel: 'vec4AB8' })).not.toThrow();
    });
  });
});

describe('matmul edges past K', () => {
  // A [M, K + 4] and B [K + 4, N] with NaN in the padding: a kernel that let anything past K into
  // a product would turn outputs into NaN. K = 5 sends the strided kernels through their tail.
  it.each(['strided8', 'strided32', 'vec4AB8', 'vec4AB32', 'tiled'] as const)(
    '%s ignores whatever lies past K',
    async (kernel) => {
      const engine = await getEngine();
      const [m, n, pad] = [12, 20, 4];
      const k = kernel.startsWith('vec4') ? 8 : 5;
      const a = Float32Array.from(randomArray(m * (k + pad), 51), (v, i) => (i % (k + pad) < k ? v : NaN));
      const b = Float32Array.from(randomArray((k + pad) * n, 52), (v, i) => (i < k * n ? v : NaN));
      const geometry = {
        ...{ m, n, k, batches: 1, reduce: 1, aM: k + pad, aK: 1, aBatch: 0, bK: n, bN: 1, bBatch: 0 },
        ...{ heads: 1, aHead: 0, bHead: 0, cM: n, cBatch: m * n, cHead: 0, aFirst: 0, bFirst: 0, cFirst: 0 },
      };
      const out = await engine
        .tidy(() => {
          const c = engine.empty([m, n]);
          dispatchMatmul(engine, kernel, geometry, engine.tensor(a, [m, k + pad]), engine.tensor(b, [k + pad, n]), c);
          return c;
        })
        .read();
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += a[i * (k + pad) + p]! * b[p * n + j]!;
          expect(out[i * n + j], `C(${i}, ${j})`).toBeCloseTo(sum, 5);
        }
      }
    },
  );
});

describe('matmul batches packed into one workgroup', () => {
  // On a CPU adapter 16 small products share a workgroup (blockWorkgroup): with 19 batches the last
  // workgroup holds 13 invocations past the end, which must neither store nor disturb what follows.
  it.each(['strided8', 'vec4ABt8'] as const)('%s stores batches 0–18 and nothing after them', async (kernel) => {
    const engine = await getEngine();
    const policy = engine.smallWorkgroups;
    engine.smallWorkgroups = true;
    try {
      const [z, m, k, n] = [19, 6, 8, 5];
      const a = randomArray(z * m * k, 61);
      const b = randomArray(z * n * k, 62);
      const { geometry } = matmulGeometry([z, m, k], false, [z, n, k], true);
      const out = await engine
        .tidy(() => {
          // One batch more than the product writes, filled with a sentinel.
          const c = engine.fill([z + 1, m, n], 7);
          dispatchMatmul(engine, kernel, geometry, engine.tensor(a, [z, m, k]), engine.tensor(b, [z, n, k]), c);
          return c;
        })
        .read();
      for (let t = 0; t < z; t++)
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let sum = 0;
            for (let p = 0; p < k; p++) sum += a[(t * m + i) * k + p]! * b[(t * n + j) * k + p]!;
            expect(out[(t * m + i) * n + j], `C(${t}, ${i}, ${j})`).toBeCloseTo(sum, 5);
          }
      expect([...out.subarray(z * m * n)]).toEqual(new Array(m * n).fill(7));
    } finally {
      engine.smallWorkgroups = policy;
    }
  });
});

describe('matmul kernels on the training hot paths', () => {
  it('reads x·Wᵀ, dY·W and dYᵀ·X of a linear layer (batched input) with the vec4 kernels', async () => {
    // A fresh engine on the same device: its pipeline cache lists exactly the kernels that ran.
    const engine = new Engine((await getEngine()).gpu);
    setChoice(engine, matmulTunable, 'register');
    try {
      const layer = new Linear(engine, 'probe', 32, 48, { initSeed: 3 });
      const x = engine.parameter(randomArray(2 * 20 * 32, 4), [2, 20, 32], 'probe.x');
      engine.tidy(() => engine.backward(sumAll(layer.forward(x))));
      engine.flush();
      const kernels = engine.pipelines.compiles
        .map((c) => (JSON.parse(c.key) as string[])[0]!)
        .filter((s) => s.startsWith('matmul_'));
      expect(kernels.sort()).toEqual(['matmul_vec4AB8', 'matmul_vec4ABt8', 'matmul_vec4AtB8']);
      expect(engine.gpu.takeErrors()).toEqual([]);
      for (const t of [...layer.parameters(), x]) t.release();
    } finally {
      engine.destroy();
    }
  });
});

describe('matmul block sizes', () => {
  // Same operand reads and the same acc += dot(a, b) per output over k in fours: the 8×8 block can
  // stand in for the 32×32 one while it compiles (chosenKernel) without changing a bit of a run.
  it.each([
    ['vec4ABt', [272, 64], false, [500, 64], true],
    ['vec4AB', [272, 500], false, [500, 64], false],
    ['vec4AtB', [272, 500], true, [272, 64], false],
    ['strided', [130, 67], false, [67, 129], false],
  ] as const)('computes the same bits in the 8×8 and 32×32 %s blocks', async (family, aShape, ta, bShape, tb) => {
    const engine = await getEngine();
    const { geometry, shape } = matmulGeometry(aShape, ta, bShape, tb);
    const [small, large] = await engine
      .tidy(() => {
        const a = engine.tensor(Float32Array.from(randomArray(aShape[0] * aShape[1], 7)), aShape);
        const b = engine.tensor(Float32Array.from(randomArray(bShape[0] * bShape[1], 8)), bShape);
        return ([`${family}8`, `${family}32`] as MatmulKernelName[]).map((kernel) => {
          const out = engine.empty(shape, 'f32', 'matmul');
          dispatchMatmul(engine, kernel, geometry, a, b, out);
          return out;
        });
      })
      .map((t) => t.read());
    expect(Buffer.from((await large!).buffer).equals(Buffer.from((await small!).buffer))).toBe(true);
  });

  it('with background compiles, runs the 8×8 block until the 32×32 one has compiled (once released), then switches', async () => {
    await expectSwitchOnceCompiled([256, 128], [256, 128], matmulPipeline('vec4ABt32'), ([shader]) =>
      expect(shader).toBe('matmul_vec4ABt8'),
    );
  }, 120_000);
});

describe('matmul workgroup shapes with background compiles', () => {
  it('runs a small batched product in the usual 8×8 workgroup until its own shape has compiled, then switches', async () => {
    // 19 products of 6 × 5 on this CPU adapter: 16 batches to a workgroup of 1 × 1 × 16.
    await expectSwitchOnceCompiled([19, 6, 8], [19, 5, 8], matmulPipeline('vec4ABt8', [1, 1, 16]), ([, overrides]) =>
      expect(overrides).toEqual({}),
    );
  }, 120_000);
});

/**
 * x·wᵀ on an engine with background compiles, held (as the page holds them through its first step):
 * the product runs on a pipeline compiled at once (`first` checks its [shader, overrides]) while
 * `awaited` is only queued; once released and compiled, the product runs on `awaited`, to the bit.
 */
async function expectSwitchOnceCompiled(
  xShape: number[],
  wShape: number[],
  awaited: { shader: string; overrides?: Record<string, number> },
  first: (key: [string, unknown]) => void,
): Promise<void> {
  const engine = new Engine((await getEngine()).gpu, { backgroundCompiles: true });
  setChoice(engine, matmulTunable, 'register');
  try {
    const size = (shape: number[]) => shape.reduce((a, b) => a * b);
    const x = engine.tensor(Float32Array.from(randomArray(size(xShape), 9)), xShape);
    const w = engine.tensor(Float32Array.from(randomArray(size(wShape), 10)), wShape);
    const product = () => engine.tidy(() => matmul(x, w, { transposeB: true })).read();
    const keys = () =>
      engine.pipelines.compiles.map((c) => {
        const [shader, , overrides] = JSON.parse(c.key) as [string, string, unknown];
        return [shader, overrides] as [string, unknown];
      });
    engine.pipelines.holdBackground();
    const before = await product();
    const matmuls = keys().filter(([shader]) => shader.startsWith('matmul_'));
    expect(matmuls).toHaveLength(1);
    first(matmuls[0]!);
    expect(engine.pipelines.has(awaited)).toBe(false);
    engine.pipelines.releaseBackground();
    await expect.poll(() => engine.pipelines.has(awaited), { timeout: 60_000, interval: 50 }).toBe(true);
    const after = await product();
    expect(keys()).toContainEqual([awaited.shader, awaited.overrides ?? {}]);
    expect(Buffer.from(after.buffer).equals(Buffer.from(before.buffer))).toBe(true);
    expect(engine.gpu.takeErrors()).toEqual([]);
    x.release();
    w.release();
  } finally {
    engine.destroy();
  }
}

describe('matmul precompiling', () => {
  it("compiles the family's everyday kernels in the background: the 8×8 register blocks, or the tile", async () => {
    for (const [variant, kernels] of [
      ['register', ['vec4ABt8', 'vec4AB8', 'vec4AtB8', 'strided8']],
      ['tiled', ['tiled']],
    ] as const) {
      const engine = new Engine((await getEngine()).gpu);
      setChoice(engine, matmulTunable, variant);
      try {
        precompileMatmulKernels(engine);
        await expect
          .poll(() => kernels.every((k) => engine.pipelines.has(matmulPipeline(k))), { timeout: 60_000, interval: 50 })
          .toBe(true);
        const shaders = engine.pipelines.compiles.map((c) => (JSON.parse(c.key) as string[])[0]!);
        expect(shaders.sort()).toEqual(kernels.map((k) => `matmul_${k}`).sort());
      } finally {
        engine.destroy();
      }
    }
  }, 120_000);
});

// What is timed and stored does not depend on the product's size: the tests of the choice and its
// store time a small one (the page's self-test times the real 256³ workload).
const timedSmall = matmulTunableAt(32);

describe('matmul variant choice', () => {
  it('times the variants on this adapter and remembers the winner; an explicit setting overrides it', async () => {
    const engine = new Engine((await getEngine()).gpu);
    try {
      const choice = await tune(engine, timedSmall);
      expect(choice.source).toBe('timed');
      expect(matmulVariants).toContain(choice.choice);
      for (const v of matmulVariants) expect(choice.timings?.[v]).toBeGreaterThan(0);
      expect(currentChoice(engine, matmulTunable)).toBe(choice);
      setChoice(engine, matmulTunable, 'tiled');
      expect(currentChoice(engine, matmulTunable)).toEqual({ choice: 'tiled', source: 'set' });
      // Every case still matches the reference through the engine's (now tiled) default.
      const c = matmulCases[2]!;
      const [aShape, bShape] = operandShapes(c, false, false);
      const a = Float32Array.from(randomArray(aShape[0]! * aShape[1]!, 5));
      const b = Float32Array.from(randomArray(bShape[0]! * bShape[1]!, 6));
      const out = await engine.tidy(() => matmul(engine.tensor(a, aShape), engine.tensor(b, bShape))).read();
      expect(out[0]).toBeCloseTo(
        Array.from({ length: c.k }, (_, p) => a[p]! * b[p * c.n]!).reduce((x, y) => x + y),
        4,
      );
    } finally {
      engine.destroy();
    }
  });
});

describe('timing the candidates', () => {
  it('times the adapter default first, and gives a candidate 3× its time before stopping after one run', async () => {
    const engine = new Engine((await getEngine()).gpu);
    try {
      const budgets: Record<string, number> = {};
      const figures = { quick: 1, close: 2, slow: 10 };
      const decision: Tunable<keyof typeof figures> = {
        name: 'test decision',
        candidates: ['slow', 'close', 'quick'],
        version: () => 'test',
        adapterDefault: () => 'quick',
        workload: 'no work',
        async time(_engine, candidate, { giveUpAboveMs }) {
          budgets[candidate] = giveUpAboveMs;
          return figures[candidate];
        },
      };
      const result = await tune(engine, decision);
      expect(Object.entries(budgets)).toEqual([
        ['quick', Infinity],
        ['slow', 3],
        ['close', 3],
      ]);
      expect(result).toEqual({ choice: 'quick', source: 'timed', timings: figures });
    } finally {
      engine.destroy();
    }
  });

  it('stops after the first timed run once it is over the limit: one warm-up and one timed submit', async () => {
    const engine = new Engine((await getEngine()).gpu);
    try {
      const product = { m: 16, k: 16, n: 16 };
      const kernel = 'strided8';
      const submits = async (giveUpAboveMs: number) => {
        const before = engine.recorder.submits;
        await timeKernel(engine, kernel, product, { giveUpAboveMs });
        const viaKernel = engine.recorder.submits - before;
        const a = engine.fill([16, 16], 1, 'a');
        await medianSubmitMs(engine, () => engine.tidy(() => void sumAll(a)), 3, { giveUpAboveMs });
        a.release();
        return [viaKernel, engine.recorder.submits - before - viaKernel];
      };
      expect(await submits(Infinity)).toEqual([4, 4]);
      expect(await submits(0)).toEqual([2, 2]);
    } finally {
      engine.destroy();
    }
  });
});

describe('matmul choice cache', () => {
  let dir: string;
  let path: string;
  const engines: Engine[] = [];
  const freshEngine = async () => {
    const engine = new Engine((await getEngine()).gpu);
    engines.push(engine);
    return engine;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'continuum-kernels-'));
    path = join(dir, 'kernels.json');
  });
  afterEach(() => {
    for (const engine of engines.splice(0)) engine.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets a second engine on the same adapter use the stored choice without timing', async () => {
    const timed = await tune(await freshEngine(), timedSmall, { store: fileKernelChoices(path) });
    expect(timed.source).toBe('timed');
    const second = await freshEngine();
    const cached = await tune(second, timedSmall, { store: fileKernelChoices(path) });
    expect(cached).toEqual({ ...timed, source: 'cached' });
    expect(currentChoice(second, matmulTunable)).toBe(cached);
    // Timing compiles the candidate kernels; reading the cache compiles nothing.
    expect(second.pipelines.compiles).toEqual([]);
  });

  it('keeps the adapter default untimed when asked not to time, and reads the store once it has an entry', async () => {
    const store = fileKernelChoices(path);
    const engine = await freshEngine();
    const untimed = await tune(engine, timedSmall, { store, timeIfMissing: false });
    expect(untimed).toEqual({ choice: timedSmall.adapterDefault(engine), source: 'adapter default' });
    expect(engine.pipelines.compiles).toEqual([]);
    expect(existsSync(path)).toBe(false);
    const timed = await tune(engine, timedSmall, { store });
    expect(await tune(await freshEngine(), timedSmall, { store, timeIfMissing: false })).toEqual({
      ...timed,
      source: 'cached',
    });
  });

  it('times again for a different kernel set, keeping both entries', async () => {
    const store = fileKernelChoices(path);
    await tune(await freshEngine(), timedSmall, { store, version: 'set-1' });
    const retimed = await tune(await freshEngine(), timedSmall, { store, version: 'set-2' });
    expect(retimed.source).toBe('timed');
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')) as object)).toHaveLength(2);
  });

  it('ignores a corrupt cache file or a malformed entry, times, and rewrites the file', async () => {
    writeFileSync(path, '{"truncated": ');
    const store = fileKernelChoices(path);
    const first = await tune(await freshEngine(), timedSmall, { store, version: 'corrupt' });
    expect(first.source).toBe('timed');
    const entries = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const [key] = Object.keys(entries);
    writeFileSync(path, JSON.stringify({ [key!]: { choice: 'warp-speed', timings: {} } }));
    const second = await tune(await freshEngine(), timedSmall, { store, version: 'corrupt' });
    expect(second.source).toBe('timed');
    expect(matmulVariants).toContain(
      (JSON.parse(readFileSync(path, 'utf8')) as Record<string, { choice: string }>)[key!]!.choice,
    );
  });
});
