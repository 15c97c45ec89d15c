import { describe, expect, it } from 'vitest';
import { createHead, type HeadSpec } from '../../src/heads';
import { deviation } from '../../src/math/compare';
import { embeddingLossReference, mostInformativeNegative } from '../../src/math/embeddingLosses';
import { randomArray } from '../../src/math/random';
import { topKReference } from '../../src/math/reference/topk';
import { vmfLossReference } from '../../src/math/vmf';
import { predictionBatch } from '../../src/selftest/checks/predictionBatch';
import { gradCheck } from '../../src/selftest/gradcheck';
import type { Engine } from '../../src/tensor/engine';
import type { Tensor } from '../../src/tensor/tensor';
import { getEngine } from '../helpers/gpu';

const N = 9;
const d = 6;
const V = 40;
const m = 5;
const hidden = Float32Array.from(randomArray(N * d, 1, -1, 1));
const targets = Int32Array.from({ length: N }, (_, i) => (i === N - 1 ? -1 : (i * 7) % V));
const table = predictionBatch(1, V, m, 3).table;

/** y = x·Wᵀ + b in float64 from the head's parameters. */
async function linearReference(weight: Tensor, bias: Tensor, x: Float32Array, rows: number, inDim: number) {
  const w = await weight.read();
  const b = await bias.read();
  const out = b.length;
  return Float64Array.from({ length: rows * out }, (_, i) => {
    const r = Math.floor(i / out);
    const o = i % out;
    let s = b[o]!;
    for (let k = 0; k < inDim; k++) s += x[r * inDim + k]! * w[o * inDim + k]!;
    return s;
  });
}

function setup(engine: Engine, spec: HeadSpec) {
  const head = createHead(engine, spec, { hidden: d, vocab: V, initSeed: 5, targetTable: engine.tensor(table, [V, m]) });
  return { head, h: engine.tensor(hidden, [N, d]), t: engine.tensor(targets, [N], 'i32') };
}

describe('softmax head', () => {
  it('computes cross-entropy of x·Wᵀ + b, decodes the logits top-k, and counts V·d + V parameters', async () => {
    const engine = await getEngine();
    const { head, h, t } = setup(engine, { kind: 'softmax' });
    const [weight, bias] = head.parameters() as [Tensor, Tensor];
    const logits = await linearReference(weight, bias, hidden, N, d);
    const loss = await engine.tidy(() => head.loss(h, t)).read();
    const expected = Array.from({ length: N }, (_, r) => {
      if (targets[r]! < 0) return 0;
      const row = logits.subarray(r * V, (r + 1) * V);
      const max = Math.max(...row);
      return max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0)) - row[targets[r]!]!;
    });
    expect(deviation(loss, expected).maxRel).toBeLessThan(1e-5);
    const { ids } = engine.tidy(() => head.decode(h, 3));
    const top3 = (r: number) => [...Array(V).keys()].sort((a, b) => logits[r * V + b]! - logits[r * V + a]! || a - b).slice(0, 3);
    expect(Array.from(await ids.read())).toEqual(Array.from({ length: N }, (_, r) => top3(r)).flat());
    expect(head.paramCount).toBe(V * d + V);
    expect(head.bytes()).toEqual({ parameters: (V * d + V) * 4, optimizerState: 2 * (V * d + V) * 4, frozen: 0 });
  });

  it('backpropagates into the hidden states (finite differences)', async () => {
    const engine = await getEngine();
    const { head, t } = setup(engine, { kind: 'softmax' });
    const r = await gradCheck(engine, ([x]) => head.loss(x!, t), [{ data: hidden, shape: [N, d] }]);
    expect(r.maxRelError).toBeLessThan(3e-3);
  });

  it('ties its output matrix to an input embedding and then owns only the bias', async () => {
    const engine = await getEngine();
    const embedding = engine.parameter(randomArray(V * d, 2), [V, d], 'decoder.embedding');
    const head = createHead(engine, { kind: 'softmax', tied: true }, { hidden: d, vocab: V, initSeed: 1, inputEmbedding: embedding });
    expect(head.parameters().map((p) => p.label)).toEqual(['softmax.bias']);
    expect(head.paramCount).toBe(V);
    expect(() => createHead(engine, { kind: 'softmax', tied: true }, { hidden: d, vocab: V, initSeed: 1 })).toThrow(/input embedding/);
  });
});

describe('continuous heads', () => {
  const specs: HeadSpec[] = [
    { kind: 'vmf', regularizer: { kind: 'reg1+reg2', lambda1: 0.02, lambda2: 0.1 }, approximate: false },
    { kind: 'cosine' },
    { kind: 'max-margin', margin: 0.5 },
    { kind: 'syn-margin-difference', margin: 0.5 },
  ];
  for (const spec of specs) {
    it(`${spec.kind}: loss of ê = x·Wᵀ + b against the table, cosine decoding, d·m + m parameters`, async () => {
      const engine = await getEngine();
      const { head, h, t } = setup(engine, spec);
      const [weight, bias] = head.parameters() as [Tensor, Tensor];
      const pred = await linearReference(weight, bias, hidden, N, d);
      const loss = await engine.tidy(() => head.loss(h, t)).read();
      const expected = Array.from({ length: N }, (_, r) => {
        const tgt = targets[r]!;
        if (tgt < 0) return 0;
        const p = pred.subarray(r * m, (r + 1) * m);
        const u = table.subarray(tgt * m, (tgt + 1) * m);
        if (spec.kind === 'vmf') return vmfLossReference(p, u, spec).loss;
        if (spec.kind === 'softmax') throw new Error('not a continuous head');
        const neg = mostInformativeNegative(p, u, table, V);
        return embeddingLossReference(spec.kind, p, u, { margin: 'margin' in spec ? spec.margin : 0, negative: table.subarray(neg * m, (neg + 1) * m) }).loss;
      });
      expect(deviation(loss, expected).maxRel).toBeLessThan(1e-4);
      const { ids } = engine.tidy(() => head.decode(h, 4));
      expect(Array.from(await ids.read())).toEqual(topKReference(pred, table, N, V, m, 4, true).ids.flat());
      expect(head.paramCount).toBe(d * m + m);
      expect(head.bytes().frozen).toBe(V * m * 4);
    });
  }
});
