// The ReWE head's own properties and its gradients by finite differences; its loss and decoding are
// checked against float64 with every head's (test/gpu/heads.test.ts).
import { describe, expect, it } from 'vitest';
import { createHead, type Head, type HeadSpec } from '../../src/heads';
import { linearRows } from '../../src/math/reference/linear';
import { mulberry32 } from '../../src/math/random';
import { checkedHeadSpecs, headHidden, headShapes, makeHead } from '../../src/selftest/checks/heads';
import { gradCheck } from '../../src/selftest/gradcheck';
import type { Engine } from '../../src/tensor/engine';
import type { Tensor } from '../../src/tensor/tensor';
import { getEngine } from '../helpers/gpu';

const { N, d, V, m } = headShapes;
/** The settings the self-test checks (src/heads/rewe.ts). */
const [lambda, regressorWidth] = [20, 7];
const reweSpec: HeadSpec = { kind: 'rewe', lambda, regressorHidden: regressorWidth };

/** Σ weights·loss at the parameters' current values, without the tape. */
async function weightedLoss(engine: Engine, head: Head, hidden: Tensor, targets: Tensor, weights: Float32Array) {
  const loss = await engine.withoutGradients(() => engine.tidy(() => head.loss(hidden, targets))).read();
  return Array.from(loss).reduce((sum, value, i) => sum + weights[i]! * value, 0);
}

describe('ReWE head', () => {
  it('is checked by the self-test at these settings', () => {
    expect(checkedHeadSpecs).toContainEqual(reweSpec);
  });

  it('counts V·d + V softmax and h·d + h + m·h + m regressor parameters, and reads the frozen table', async () => {
    const engine = await getEngine();
    const h = regressorWidth;
    const { head } = makeHead(engine, reweSpec);
    expect(head.parameters().map((p) => [p.label, p.shape])).toEqual([
      ['softmax.weight', [V, d]],
      ['softmax.bias', [V]],
      ['rewe.regressor.hidden.weight', [h, d]],
      ['rewe.regressor.hidden.bias', [h]],
      ['rewe.regressor.output.weight', [m, h]],
      ['rewe.regressor.output.bias', [m]],
    ]);
    const count = V * d + V + h * d + h + m * h + m;
    expect(head.paramCount).toBe(count);
    expect(head.bytes()).toEqual({ parameters: count * 4, optimizerState: 2 * count * 4, frozen: V * m * 4 });
    expect(head.label).toBe(`ReWE λ=${lambda} h=${h}`);
    head.release();
  });

  it('adds λ·(1 − cos) ≥ 0 to the cross-entropy of a softmax head with the same weights, decodes as that softmax, and gives 0 on padding', async () => {
    const engine = await getEngine();
    const { head, hidden, targets } = makeHead(engine, reweSpec);
    const softmax = makeHead(engine, { kind: 'softmax' }).head;
    const read = (f: () => Tensor) => engine.withoutGradients(() => engine.tidy(f)).read();
    const loss = await read(() => head.loss(hidden, targets));
    const crossEntropy = await read(() => head.crossEntropy!(hidden, targets));
    const softmaxLoss = await read(() => softmax.loss(hidden, targets));
    expect(Array.from(crossEntropy)).toEqual(Array.from(softmaxLoss));
    for (let i = 0; i < N - 1; i++) {
      expect(loss[i]! - crossEntropy[i]!).toBeGreaterThanOrEqual(0);
      expect(loss[i]! - crossEntropy[i]!).toBeLessThanOrEqual(2 * lambda + 1e-5);
    }
    expect(loss[N - 1]).toBe(0);
    expect(await read(() => head.decode(hidden, 3).ids)).toEqual(await read(() => softmax.decode(hidden, 3).ids));
    for (const h of [head, softmax]) h.release();
  });

  // ε = 3·10⁻³ rather than the other heads' 10⁻², whose steps reach the ReLU's kinks (src/heads/rewe.ts).
  const eps = 3e-3;

  it("meets the finite-difference checks' conditions: every token has an active ReLU, none within 5·10⁻³ of its kink", async () => {
    const engine = await getEngine();
    const { head } = makeHead(engine, reweSpec);
    const [weight, bias] = await Promise.all(
      head
        .parameters()
        .slice(2, 4)
        .map((p) => p.read()),
    );
    const inner = linearRows(headHidden, N, d, weight!, regressorWidth, bias);
    for (let r = 0; r < N; r++) {
      const row = inner.subarray(r * regressorWidth, (r + 1) * regressorWidth);
      expect(Math.max(...row)).toBeGreaterThan(0);
      expect(Math.min(...row.map(Math.abs))).toBeGreaterThan(5e-3);
    }
    head.release();
  });

  it('backpropagates into the hidden states (finite differences)', async () => {
    const engine = await getEngine();
    const { head, targets } = makeHead(engine, reweSpec);
    const r = await gradCheck(engine, ([x]) => head.loss(x!, targets), [{ data: headHidden, shape: [N, d] }], { eps });
    expect(r.maxRelError).toBeLessThan(3e-3);
    head.release();
  });

  it("backpropagates into the regressor's parameters (finite differences)", async () => {
    const engine = await getEngine();
    const { head, hidden, targets } = makeHead(engine, reweSpec);
    const random = mulberry32(5);
    const weights = Float32Array.from({ length: N }, () => random() * 2 - 1);
    const regressor = head.parameters().filter((p) => p.label.startsWith('rewe.regressor.'));
    const analytic = await engine.step(() => {
      engine.backward(head.loss(hidden, targets), engine.tensor(weights, [N]));
      return Promise.all(regressor.map((p) => engine.readLater(p.grad!)));
    });
    for (const [index, parameter] of regressor.entries()) {
      const original = Float32Array.from(await parameter.read());
      const direction = Float32Array.from(original, () => random() * 2 - 1);
      const at = async (sign: number) => {
        const shifted = Float32Array.from(original, (value, k) => value + sign * eps * direction[k]!);
        engine.write(parameter, shifted);
        return weightedLoss(engine, head, hidden, targets, weights);
      };
      const numeric = ((await at(1)) - (await at(-1))) / (2 * eps);
      engine.write(parameter, original);
      const exact = Array.from(analytic[index]!).reduce((sum, g, k) => sum + g * direction[k]!, 0);
      const relative = Math.abs(exact - numeric) / Math.max(Math.abs(exact), Math.abs(numeric), 1e-2);
      expect(relative, parameter.label).toBeLessThan(3e-3);
    }
    head.release();
  });

  it('needs the target table, and a tied one the input embedding', async () => {
    const engine = await getEngine();
    const spec: HeadSpec = { kind: 'rewe' };
    expect(() => createHead(engine, spec, { hidden: d, vocab: V, initSeed: 1 })).toThrow(/target embedding table/);
    const table = engine.tensor(new Float32Array(V * m), [V, m]);
    expect(() =>
      createHead(engine, { kind: 'rewe', tied: true }, { hidden: d, vocab: V, initSeed: 1, targetTable: table }),
    ).toThrow(/input embedding/);
    table.release();
  });
});
