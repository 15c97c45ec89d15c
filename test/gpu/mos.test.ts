import { describe, expect, it } from 'vitest';
import { createHead } from '../../src/heads';
import { mixtureHeadChecks } from '../../src/selftest/checks/mixtureHeads';
import { getEngine, itPassesChecks } from '../helpers/gpu';
import { toyProblem, trainHead } from '../helpers/heads';

describe('mixture of softmaxes, PLIF head, row log-sum-exp and row top-k against float64 references', () => {
  itPassesChecks(mixtureHeadChecks, { bothWorkgroupSizes: true });
});

describe('mixture of softmaxes', () => {
  it('counts K·d² + 2K·d + V·d + V parameters: the latent layer has a bias, as the reference', async () => {
    const engine = await getEngine();
    const [d, V, K] = [6, 40, 4];
    const head = createHead(engine, { kind: 'mos', components: K }, { hidden: d, vocab: V, initSeed: 1 });
    expect(head.parameters().map((p) => [p.label, p.shape])).toEqual([
      ['mos.prior.weight', [K, d]],
      ['mos.latent.weight', [K * d, d]],
      ['mos.latent.bias', [K * d]],
      ['softmax.weight', [V, d]],
      ['softmax.bias', [V]],
    ]);
    const count = K * d * d + 2 * K * d + V * d + V;
    expect(head.paramCount).toBe(count);
    expect(head.bytes()).toEqual({ parameters: count * 4, optimizerState: 2 * count * 4, frozen: 0 });
    expect(head.label).toBe('MoS K=4');
    head.release();
  });

  it('trains: the loss falls on a toy problem (padding rows stay at 0)', async () => {
    const engine = await getEngine();
    const [n, d, V] = [48, 8, 10];
    const head = createHead(engine, { kind: 'mos', components: 3 }, { hidden: d, vocab: V, initSeed: 9 });
    const problem = toyProblem(engine, n, d, V);
    const losses = await trainHead(engine, head, problem, 25);
    expect(losses.at(-1)!).toBeLessThan(0.7 * losses[0]!);
    const perToken = await engine.tidy(() => head.loss(problem.hidden, problem.targets)).read();
    for (let i = 6; i < n; i += 7) expect(Math.abs(perToken[i]!)).toBe(0);
    head.release();
  });
});
