import type { Engine } from '../../src/tensor/engine';
import { describe, expect, it } from 'vitest';
import { ppmiMatrix } from '../../src/data/cooccurrence';
import { buildInAppEmbeddings, sparseRandomizedSvd } from '../../src/embeddings/ppmiSvd';
import { syntheticCorpus } from '../../src/embeddings/syntheticCorpus';
import { jacobiSvd, multiply, transpose } from '../../src/math/linalg';
import { randomArray } from '../../src/math/random';
import { randomCsr, spmmChecks, spmmOnGpu } from '../../src/selftest/checks/spmm';
import { releaseSparse, sparseTimesDense, uploadSparse } from '../../src/tensor/ops/spmm';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('sparse × dense kernels against float64 references', () => {
  itPassesChecks(spmmChecks);

  it('gives the same bits on every run, for A·X and Aᵀ·X', async () => {
    const engine = await getEngine();
    const a = randomCsr(33, 65, 0.3, 5);
    for (const transpose of [false, true]) {
      const x = Float32Array.from(randomArray((transpose ? 33 : 65) * 12, 6));
      const first = await spmmOnGpu(engine, a, x, 12, transpose);
      const second = await spmmOnGpu(engine, a, x, 12, transpose);
      expect(Buffer.from(second.buffer).equals(Buffer.from(first.buffer))).toBe(true);
    }
  });

  it('refuses a width that is not a multiple of 4 and a mismatched inner size', async () => {
    const engine = await getEngine();
    const operand = uploadSparse(engine, randomCsr(3, 5, 0.5, 1));
    engine.tidy(() => {
      expect(() => sparseTimesDense(engine, operand, engine.fill([5, 6], 1))).toThrow(/multiple of 4/);
      expect(() => sparseTimesDense(engine, operand, engine.fill([5, 4], 1), { transpose: true })).toThrow(
        /\[3×width\]/,
      );
    });
    releaseSparse(operand);
  });
});

/** Cosines of the principal angles between the column spaces of two orthonormal [rows×k] bases. */
function principalCosines(a: Float64Array, b: Float64Array, rows: number, k: number): Float64Array {
  return jacobiSvd(multiply(transpose(a, rows, k), b, k, rows, k), k, k).s;
}

describe('PPMI-SVD on the GPU against the float64 CPU path', () => {
  const V = 120;
  const corpus = syntheticCorpus({ vocabSize: V, tokens: 6000, topics: 6, seed: 4 });
  const ppmi = ppmiMatrix(corpus, V);
  const options = { dimension: 10, oversampling: 10, powerIterations: 2, seed: 2 };
  // A matrix this small would stay on the CPU: the GPU path is asked for whatever the size.
  const onGpu = (engine: Engine) => ({ ...options, engine, gpuFromWork: 0 });

  it('matches singular values within 1e-3 relative and the singular subspaces', async () => {
    const engine = await getEngine();
    const cpu = await sparseRandomizedSvd(ppmi, options);
    const gpu = await sparseRandomizedSvd(ppmi, onGpu(engine));
    gpu.s.forEach((s, i) => expect(Math.abs(s - cpu.s[i]!) / cpu.s[i]!).toBeLessThan(1e-3));
    // The leading directions are well separated here, so they agree one by one (signs are fixed by the SVD).
    for (let j = 0; j < 3; j++) {
      let cosine = 0;
      for (let i = 0; i < V; i++) cosine += gpu.u[i * 10 + j]! * cpu.u[i * 10 + j]!;
      expect(cosine).toBeGreaterThan(0.999);
    }
    for (const c of principalCosines(gpu.u, cpu.u, V, 10)) expect(c).toBeGreaterThan(0.999);
    for (const c of principalCosines(gpu.v, cpu.v, V, 10)) expect(c).toBeGreaterThan(0.999);
  });

  it('builds the same word vectors U·S^0.5 on both paths, zero rows for unseen words', async () => {
    const engine = await getEngine();
    const withUnseen = corpus.map((s) => s.map((id) => (id === 7 ? 8 : id)));
    const cpu = await buildInAppEmbeddings(withUnseen, V, options);
    const gpu = await buildInAppEmbeddings(withUnseen, V, onGpu(engine));
    expect([cpu.device, gpu.device]).toEqual(['cpu', 'gpu']);
    expect(gpu.vectors.length).toBe(V * 10);
    expect([...gpu.vectors.subarray(70, 80)].every((v) => v === 0)).toBe(true);
    const svd = await sparseRandomizedSvd(ppmiMatrix(withUnseen, V), options);
    cpu.vectors.forEach((v, i) => expect(v).toBeCloseTo(svd.u[i]! * Math.sqrt(svd.s[i % 10]!), 6));
    // Leading dimension of each path: same direction up to f32 rounding.
    let dot = 0;
    let nc = 0;
    let ng = 0;
    for (let w = 0; w < V; w++) {
      dot += cpu.vectors[w * 10]! * gpu.vectors[w * 10]!;
      nc += cpu.vectors[w * 10]! ** 2;
      ng += gpu.vectors[w * 10]! ** 2;
    }
    expect(dot / Math.sqrt(nc * ng)).toBeGreaterThan(0.999);
  });

  it('keeps a small matrix on the CPU even with an engine: the kernels would cost more than they save', async () => {
    const engine = await getEngine();
    const compiles = engine.pipelines.compiles.length;
    const small = await buildInAppEmbeddings(corpus, V, { ...options, engine });
    const cpu = await buildInAppEmbeddings(corpus, V, options);
    expect(small.device).toBe('cpu');
    expect(small.vectors).toEqual(cpu.vectors);
    expect(engine.pipelines.compiles.length).toBe(compiles);
  });
});
