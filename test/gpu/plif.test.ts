import { describe, expect, it } from 'vitest';
import { createHead, optimizerGroups, type PlifHead } from '../../src/heads';
import { randomArray } from '../../src/math/random';
import { plifChecks, plifInputs } from '../../src/selftest/checks/plif';
import { plifInitialTheta } from '../../src/heads/plif';
import type { Engine } from '../../src/tensor/engine';
import { plif, plifPartials } from '../../src/tensor/ops/plif';
import { getEngine, itPassesChecks } from '../helpers/gpu';
import { toyProblem, trainHead } from '../helpers/heads';

describe('PLIF kernels against float64 references', () => {
  itPassesChecks(plifChecks);
});

/** Trains a PLIF head for `steps` steps (θ at its own lr) and returns the losses and the final θ. */
async function trainPlif(engine: Engine, steps: number, frozen = false) {
  const head = createHead(
    engine,
    { kind: 'plif', pieces: 1000, range: 20, frozen },
    { hidden: 8, vocab: 10, initSeed: 9 },
  ) as PlifHead;
  const losses = await trainHead(engine, head, toyProblem(engine, 48, 8, 10), steps);
  const theta = new Uint32Array((await head.theta.read()).buffer);
  head.release();
  return { losses, theta };
}

describe('PLIF', () => {
  it('accumulates ∂θ bit-identically run after run (K = 100,000, several histogram partials)', async () => {
    const engine = await getEngine();
    const grid = { pieces: 100_000, range: 20 };
    const n = 3 * 65536 + 17;
    expect(plifPartials(n)).toBe(4);
    const x = plifInputs({ n, ...grid }, 5);
    const theta = plifInitialTheta(grid.pieces, 6);
    const g = Float32Array.from(randomArray(n, 7));
    const gradient = () =>
      engine
        .tidy(() => {
          const t = engine.tensor(theta, [grid.pieces]);
          t.requiresGrad = true;
          engine.backward(plif(engine.tensor(x, [n]), t, grid), engine.tensor(g, [n]));
          return t.grad!;
        })
        .read();
    const first = new Uint32Array((await gradient()).buffer);
    const second = new Uint32Array((await gradient()).buffer);
    expect(first.some((bits) => bits !== 0)).toBe(true);
    expect(second).toEqual(first);
  });

  it('trains: the loss falls on a toy problem, and the same seed gives bit-identical slopes', async () => {
    const engine = await getEngine();
    const a = await trainPlif(engine, 25);
    expect(a.losses.at(-1)!).toBeLessThan(0.7 * a.losses[0]!);
    const b = await trainPlif(engine, 25);
    expect(b.theta).toEqual(a.theta);
  });

  it('keeps frozen slopes unchanged and out of the optimizer', async () => {
    const engine = await getEngine();
    const frozen = await trainPlif(engine, 3, true);
    const head = createHead(
      engine,
      { kind: 'plif', pieces: 1000, range: 20, frozen: true },
      { hidden: 8, vocab: 10, initSeed: 9 },
    ) as PlifHead;
    expect(frozen.theta).toEqual(new Uint32Array((await head.theta.read()).buffer));
    expect(head.paramGroups()).toEqual([]);
    expect(head.parameters()).not.toContain(head.theta);
    head.release();
  });

  it('counts V·d + V + K parameters and trains θ in its own group: plain SGD by default (the reference), Adam on request', async () => {
    const engine = await getEngine();
    const [d, V, K] = [6, 40, 1000];
    const head = createHead(
      engine,
      { kind: 'plif', pieces: K, lr: 0.03 },
      { hidden: d, vocab: V, initSeed: 1 },
    ) as PlifHead;
    expect(head.paramCount).toBe(V * d + V + K);
    // SGD keeps no moments for θ.
    expect(head.bytes()).toEqual({ parameters: (V * d + V + K) * 4, optimizerState: 2 * (V * d + V) * 4, frozen: 0 });
    const groups = optimizerGroups(head, []);
    expect(groups).toHaveLength(2);
    expect(groups[1]).toEqual({ params: [head.theta], lr: 0.03, rule: 'sgd' });
    expect(groups[0]!.params).not.toContain(head.theta);
    head.release();

    const adamSlopes = createHead(
      engine,
      { kind: 'plif', pieces: K, slopeOptimizer: 'adam' },
      { hidden: d, vocab: V, initSeed: 1 },
    ) as PlifHead;
    expect(optimizerGroups(adamSlopes, [])[1]).toEqual({ params: [adamSlopes.theta], lr: 0.02, rule: 'adam' });
    expect(adamSlopes.bytes().optimizerState).toBe(2 * (V * d + V + K) * 4);
    expect(adamSlopes.label).toBe('PLIF K=1000 (Adam slopes)');
    adamSlopes.release();
  });
});
