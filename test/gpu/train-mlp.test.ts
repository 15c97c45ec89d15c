// Smoke test of the whole engine: a two-layer MLP learns a 3-class problem on the GPU, one submit per step.
import { expect, it } from 'vitest';
import { Adam } from '../../src/nn/adam';
import { Linear } from '../../src/nn/linear';
import { mulberry32 } from '../../src/math/random';
import { unary } from '../../src/tensor/ops/elementwise';
import { meanRows } from '../../src/tensor/ops/reduce';
import { softmaxCrossEntropy } from '../../src/tensor/ops/softmaxXent';
import { getEngine } from '../helpers/gpu';

/** Three interleaved rings around the origin, with noise: not linearly separable. */
function rings(count: number, seed: number) {
  const random = mulberry32(seed);
  const x = new Float32Array(count * 2);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 3;
    const angle = 2 * Math.PI * random();
    const radius = 0.5 + label * 0.7 + 0.15 * (random() - 0.5);
    x.set([radius * Math.cos(angle), radius * Math.sin(angle)], 2 * i);
    y[i] = label;
  }
  return { x, y };
}

it('trains a tiny MLP from ~ln 3 to a cross-entropy below 0.02 within 300 steps', async () => {
  const engine = await getEngine();
  const { x, y } = rings(96, 1);
  const inputs = engine.tensor(x, [96, 2]);
  const labels = engine.tensor(y, [96], 'i32');
  const layer1 = new Linear(engine, 'mlp.l1', 2, 32, { initSeed: 3 });
  const layer2 = new Linear(engine, 'mlp.l2', 32, 3, { initSeed: 3 });
  const optimizer = new Adam(engine, [...layer1.parameters(), ...layer2.parameters()], { lr: 0.03, clipNorm: 5 });
  const losses: Promise<ArrayLike<number>>[] = [];
  const submitsBefore = engine.recorder.submits;
  for (let step = 0; step < 300; step++) {
    engine.step(() => {
      const logits = layer2.forward(unary('tanh', layer1.forward(inputs)));
      const loss = meanRows(softmaxCrossEntropy(logits, labels));
      engine.backward(loss);
      optimizer.step();
      if (step === 0 || step % 50 === 49) losses.push(engine.readLater(loss));
    });
  }
  expect(engine.recorder.submits - submitsBefore).toBe(300);
  const curve = (await Promise.all(losses)).map((l) => l[0]!);
  expect(curve[0]).toBeGreaterThan(0.8); // untrained: near ln 3 ≈ 1.1
  expect(curve.at(-1)).toBeLessThan(0.02);
});
