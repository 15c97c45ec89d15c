import { describe, expect, it } from 'vitest';
import { createHead, type ContinuousHead, type Head, type HeadSpec } from '../../src/heads';
import { sumAll } from '../../src/tensor/ops/reduce';
import { deviation } from '../../src/math/compare';
import { randomArray } from '../../src/math/random';
import { checkedHeadSpecs, headChecks, headHidden, headShapes, makeHead } from '../../src/selftest/checks/heads';
import { gradCheck } from '../../src/selftest/gradcheck';
import type { Tensor } from '../../src/tensor/tensor';
import { getEngine, itPassesChecks } from '../helpers/gpu';

const { N, d, V, m } = headShapes;

describe('output layers against float64 references', () => {
  itPassesChecks(headChecks, { bothWorkgroupSizes: true });
});

/**
 * PLIF's gradient is checked at its op (checks/plif.ts), MoS's into the hidden states in checks/mixtureHeads.ts,
 * ReWE's at a smaller step than its ReLU's kinks allow here (rewe.test.ts).
 */
const smoothHeadSpecs = checkedHeadSpecs.filter((spec) => !['plif', 'mos', 'rewe'].includes(spec.kind));
const vmfSpec = checkedHeadSpecs.find((spec) => spec.kind === 'vmf')!;

describe('output layers', () => {
  for (const spec of smoothHeadSpecs) {
    it(`${spec.kind} backpropagates into the hidden states (finite differences)`, async () => {
      const engine = await getEngine();
      const { head, targets } = makeHead(engine, spec);
      const r = await gradCheck(engine, ([x]) => head.loss(x!, targets), [{ data: headHidden, shape: [N, d] }]);
      expect(r.maxRelError).toBeLessThan(3e-3);
      head.release();
    });
  }

  it('syn-margin detaches its synthetic negative unless told not to', async () => {
    const engine = await getEngine();
    const gradient = async (spec: HeadSpec) => {
      const { head, targets } = makeHead(engine, spec);
      const x = engine.tensor(headHidden, [N, d]);
      x.requiresGrad = true;
      const grad = await engine
        .tidy(() => {
          engine.backward(sumAll(head.loss(x, targets)));
          return x.grad!;
        })
        .read();
      head.release();
      return Array.from(grad);
    };
    for (const kind of ['syn-margin-projection', 'syn-margin-difference'] as const) {
      expect(await gradient({ kind, margin: 0.5 })).toEqual(
        await gradient({ kind, margin: 0.5, detachNegative: true }),
      );
    }
    const difference = await gradient({ kind: 'syn-margin-difference', margin: 0.5 });
    const through = await gradient({ kind: 'syn-margin-difference', margin: 0.5, detachNegative: false });
    expect(deviation(difference, through).maxAbs).toBeGreaterThan(1e-3);
    // For the projection the two agree: ∂cos(ê, n)/∂n = cos(ê, u)·u/‖n‖, which ∂n/∂ê = I − uuᵀ annihilates.
    const projection = await gradient({ kind: 'syn-margin-projection', margin: 0.5 });
    expect(
      deviation(projection, await gradient({ kind: 'syn-margin-projection', margin: 0.5, detachNegative: false }), 1e-3)
        .maxRel,
    ).toBeLessThan(1e-4);
  });

  it('count parameters and bytes: V·d + V for softmax, d·m + m plus a frozen V×m table for continuous heads', async () => {
    const engine = await getEngine();
    const softmax = makeHead(engine, { kind: 'softmax' }).head;
    expect(softmax.paramCount).toBe(V * d + V);
    expect(softmax.bytes()).toEqual({ parameters: (V * d + V) * 4, optimizerState: 2 * (V * d + V) * 4, frozen: 0 });
    const vmf = makeHead(engine, vmfSpec).head;
    expect(vmf.paramCount).toBe(d * m + m);
    expect(vmf.bytes()).toEqual({
      parameters: (d * m + m) * 4,
      optimizerState: 2 * (d * m + m) * 4,
      frozen: V * m * 4,
    });
  });

  it('ties the softmax output matrix to an input embedding and then owns only the bias', async () => {
    const engine = await getEngine();
    const embedding = engine.parameter(randomArray(V * d, 2), [V, d], 'decoder.embedding');
    const head = createHead(
      engine,
      { kind: 'softmax', tied: true },
      { hidden: d, vocab: V, initSeed: 1, inputEmbedding: embedding },
    );
    expect(head.parameters().map((p) => p.label)).toEqual(['softmax.bias']);
    expect(head.paramCount).toBe(V);
    expect(() => createHead(engine, { kind: 'softmax', tied: true }, { hidden: d, vocab: V, initSeed: 1 })).toThrow(
      /input embedding/,
    );
  });

  // PLIF and MoS multiply by W [V, d] as softmax does (MoS its K latent vectors, d wide like the
  // embedding), so each can share the decoder's input table; the reference MoS does by default.
  for (const spec of [
    { kind: 'plif', pieces: 64 },
    { kind: 'mos', components: 3 },
  ] as const) {
    it(`ties ${spec.kind}'s output matrix to the input embedding: one tensor, which gets the untied head's gradient`, async () => {
      const engine = await getEngine();
      const { hidden, targets } = makeHead(engine, { kind: 'softmax' });
      const untied = createHead(engine, spec, { hidden: d, vocab: V, initSeed: 1 });
      const weight = untied.parameters().find((p) => p.label === 'softmax.weight')!;
      const embedding = engine.parameter(Float32Array.from(await weight.read()), [V, d], 'decoder.embedding.table');
      const tied = createHead(
        engine,
        { ...spec, tied: true },
        { hidden: d, vocab: V, initSeed: 1, inputEmbedding: embedding },
      );
      expect(tied.label).toMatch(/\(tied\)$/);
      expect(tied.parameters().map((p) => p.label)).not.toContain('softmax.weight');
      expect(tied.paramCount).toBe(untied.paramCount - V * d);
      const gradient = (head: Head, w: Tensor) =>
        engine.step(() => {
          engine.backward(sumAll(head.loss(hidden, targets)));
          return engine.readLater(w.grad!);
        });
      const [expected, actual] = [await gradient(untied, weight), await gradient(tied, embedding)];
      expect(Math.max(...[...actual].map(Math.abs))).toBeGreaterThan(1e-3);
      [...actual].forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 5));
      for (const head of [untied, tied]) head.release();
      embedding.release();
    });
  }

  it('normalises ê with the generator layer norm: ‖ê‖ = √m · gain at init, and gradients reach h and the gain', async () => {
    const engine = await getEngine();
    const spec = { kind: 'vmf', regularizer: { kind: 'none' }, approximate: false, generatorLayerNorm: true } as const;
    const { head, hidden, targets } = makeHead(engine, spec);
    const norm = (head as ContinuousHead).norm!;
    expect(head.label).toBe('NLLvMF, generator LN');
    expect(head.paramCount).toBe(d * m + m + 2 * m);
    const norms = async () => {
      const e = await engine.tidy(() => (head as ContinuousHead).predict(hidden)).read();
      return Array.from({ length: N }, (_, i) => Math.hypot(...e.subarray(i * m, (i + 1) * m)));
    };
    for (const n of await norms()) expect(n).toBeCloseTo(Math.sqrt(m), 3);
    engine.write(norm.gamma, new Float32Array(m).fill(2));
    for (const n of await norms()) expect(n).toBeCloseTo(2 * Math.sqrt(m), 3);
    const r = await gradCheck(engine, ([x]) => head.loss(x!, targets), [{ data: headHidden, shape: [N, d] }]);
    expect(r.maxRelError).toBeLessThan(3e-3);
    const gain = await engine.step(() => {
      engine.backward(sumAll(head.loss(hidden, targets)));
      return engine.readLater(norm.gamma.grad!);
    });
    expect(Math.max(...[...gain].map(Math.abs))).toBeGreaterThan(1e-3);
    head.release();
  });
});
