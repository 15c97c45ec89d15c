import { describe, expect, it } from 'vitest';
import { createHead, optimizerGroups } from '../../src/heads';
import { mulberry32, randomArray } from '../../src/math/random';
import { Adam } from '../../src/nn/adam';
import { mixtureHeadChecks } from '../../src/selftest/checks/mixtureHeads';
import { sumAll } from '../../src/tensor/ops/reduce';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('mixture of softmaxes, PLIF head, row log-sum-exp and row top-k against float64 references', () => {
  itPassesChecks(mixtureHeadChecks, { bothWorkgroupSizes: true });
});

describe('mixture of softmaxes', () => {
  it('counts K·d² + K·d + V·d + V parameters', async () => {
    const engine = await getEngine();
    const [d, V, K] = [6, 40, 4];
    const head = createHead(engine, { kind: 'mos', components: K }, { hidden: d, vocab: V, initSeed: 1 });
    const count = K * d * d + K * d + V * d + V;
    expect(head.paramCount).toBe(count);
    expect(head.bytes()).toEqual({ parameters: count * 4, optimizerState: 2 * count * 4, frozen: 0 });
    expect(head.label).toBe('MoS K=4');
    head.release();
  });

  it('trains: the loss falls on a toy problem (padding rows stay at 0)', async () => {
    const engine = await getEngine();
    const [n, d, V] = [48, 8, 10];
    const random = mulberry32(3);
    const head = createHead(engine, { kind: 'mos', components: 3 }, { hidden: d, vocab: V, initSeed: 9 });
    const hidden = engine.tensor(randomArray(n * d, 4, -1, 1), [n, d]);
    const targets = engine.tensor(Int32Array.from({ length: n }, (_, i) => (i % 7 === 6 ? -1 : Math.floor(random() * V))), [n], 'i32');
    const adam = new Adam(engine, optimizerGroups(head, []), { lr: 0.05 });
    const losses: number[] = [];
    for (let s = 0; s < 25; s++) {
      const loss = engine.step(() => {
        const l = sumAll(head.loss(hidden, targets));
        engine.backward(l);
        adam.step();
        return engine.readLater(l);
      });
      losses.push((await loss)[0]!);
    }
    expect(losses.at(-1)!).toBeLessThan(0.7 * losses[0]!);
    const perToken = await engine.tidy(() => head.loss(hidden, targets)).read();
    for (let i = 6; i < n; i += 7) expect(Math.abs(perToken[i]!)).toBe(0);
    head.release();
    adam.release();
  });
});
