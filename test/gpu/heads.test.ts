import { describe, expect, it } from 'vitest';
import { createHead, type HeadSpec } from '../../src/heads';
import { sumAll } from '../../src/tensor/ops/reduce';
import { randomArray } from '../../src/math/random';
import { headChecks, headHidden, headShapes, headSpecs, makeHead } from '../../src/selftest/checks/heads';
import { gradCheck } from '../../src/selftest/gradcheck';
import { getEngine, itPassesChecks } from '../helpers/gpu';

const { N, d, V, m } = headShapes;

describe('output layers against float64 references', () => {
  itPassesChecks(headChecks);
});

describe('output layers', () => {
  for (const spec of headSpecs) {
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
      const grad = await engine.tidy(() => {
        engine.backward(sumAll(head.loss(x, targets)));
        return x.grad!;
      }).read();
      head.release();
      return Array.from(grad);
    };
    for (const kind of ['syn-margin-projection', 'syn-margin-difference'] as const) {
      const byDefault = await gradient({ kind, margin: 0.5 });
      expect(byDefault).toEqual(await gradient({ kind, margin: 0.5, detachNegative: true }));
      expect(byDefault).not.toEqual(await gradient({ kind, margin: 0.5, detachNegative: false }));
    }
  });

  it('count parameters and bytes: V·d + V for softmax, d·m + m plus a frozen V×m table for continuous heads', async () => {
    const engine = await getEngine();
    const softmax = makeHead(engine, { kind: 'softmax' }).head;
    expect(softmax.paramCount).toBe(V * d + V);
    expect(softmax.bytes()).toEqual({ parameters: (V * d + V) * 4, optimizerState: 2 * (V * d + V) * 4, frozen: 0 });
    const vmf = makeHead(engine, headSpecs[1]!).head;
    expect(vmf.paramCount).toBe(d * m + m);
    expect(vmf.bytes()).toEqual({ parameters: (d * m + m) * 4, optimizerState: 2 * (d * m + m) * 4, frozen: V * m * 4 });
  });

  it('ties the softmax output matrix to an input embedding and then owns only the bias', async () => {
    const engine = await getEngine();
    const embedding = engine.parameter(randomArray(V * d, 2), [V, d], 'decoder.embedding');
    const head = createHead(engine, { kind: 'softmax', tied: true }, { hidden: d, vocab: V, initSeed: 1, inputEmbedding: embedding });
    expect(head.parameters().map((p) => p.label)).toEqual(['softmax.bias']);
    expect(head.paramCount).toBe(V);
    expect(() => createHead(engine, { kind: 'softmax', tied: true }, { hidden: d, vocab: V, initSeed: 1 })).toThrow(/input embedding/);
  });
});
