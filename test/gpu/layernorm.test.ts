import { describe, expect, it } from 'vitest';
import { layerNormChecks, layerNormInputs } from '../../src/selftest/checks/layernorm';
import { layerNorm } from '../../src/tensor/ops/layernorm';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('layer norm against float64 references', () => {
  itPassesChecks(layerNormChecks, { bothWorkgroupSizes: true });

  it('gives bit-identical parameter gradients on repeated runs', async () => {
    const engine = await getEngine();
    const shape = [300, 5];
    const { x, gamma, beta } = layerNormInputs({ shape, offset: 0 }, 3);
    const run = () =>
      engine.tidy(() => {
        const g = engine.tensor(gamma, [5]);
        const b = engine.tensor(beta, [5]);
        g.requiresGrad = b.requiresGrad = true;
        engine.backward(layerNorm(engine.tensor(x, shape), g, b), engine.tensor(x, shape));
        return Promise.all([g.grad!.read(), b.grad!.read()]);
      });
    expect(await run()).toEqual(await run());
  });

  it('rejects gamma of the wrong width', async () => {
    const engine = await getEngine();
    expect(() => engine.tidy(() => layerNorm(engine.empty([2, 4]), engine.empty([3]), engine.empty([4])))).toThrow(
      /gamma and beta of shape \[4\]/,
    );
  });
});
