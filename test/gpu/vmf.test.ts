import { describe, expect, it } from 'vitest';
import { kappaGrid, normaliserDims, runVmf, vmfChecks, vmfVariants } from '../../src/selftest/checks/vmf';
import { predictionBatch } from '../../src/selftest/checks/predictionBatch';
import { vmfLogNormalizerGpu } from '../../src/tensor/ops/vmfLoss';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('vMF kernels against float64 references', () => {
  itPassesChecks(vmfChecks, { bothWorkgroupSizes: true });

  it('is finite everywhere on the grid, including κ = 0 and padding rows', async () => {
    const engine = await getEngine();
    for (const m of normaliserDims) {
      const out = await engine
        .tidy(() => vmfLogNormalizerGpu(engine, m, engine.tensor([0, ...kappaGrid], [kappaGrid.length + 1])))
        .read();
      expect(out.every(Number.isFinite), `m=${m}`).toBe(true);
    }
    for (const [name, options] of Object.entries(vmfVariants)) {
      const [loss, grad] = await runVmf(engine, predictionBatch(9, 5, 300, 3), options);
      expect(loss.every(Number.isFinite) && grad.every(Number.isFinite), name).toBe(true);
      expect(loss[8]).toBe(0); // the padding row
      expect(grad.subarray(8 * 300).every((g) => g === 0)).toBe(true);
    }
  });
});
