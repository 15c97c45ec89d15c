import { describe, expect, it } from 'vitest';
import { embeddingLossChecks, embeddingLossKinds, referenceMargin } from '../../src/selftest/checks/embeddingLosses';
import { gradCheck } from '../../src/selftest/gradcheck';
import { embeddingLoss } from '../../src/tensor/ops/embeddingLoss';
import { predictionBatch } from '../../src/selftest/checks/predictionBatch';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('embedding losses against float64 references', () => {
  itPassesChecks(embeddingLossChecks, { bothWorkgroupSizes: true });
});

describe('embedding loss gradients by finite differences', () => {
  for (const kind of embeddingLossKinds) {
    it(kind, async () => {
      const engine = await getEngine();
      const m = 5;
      const batch = predictionBatch(4, 6, m, 17);
      const pred = batch.pred.map((_, i) => Math.cos(3 * i + 1));
      // A fixed negative per row for max-margin (the search is not differentiated).
      const negatives = Int32Array.from(batch.targets, (t) => (t < 0 ? -1 : (t + 1) % 6));
      const r = await gradCheck(
        engine,
        ([p]) =>
          embeddingLoss(
            p!,
            engine.tensor(batch.table, [6, m]),
            engine.tensor(batch.targets, [4], 'i32'),
            engine.tensor(negatives, [4], 'i32'),
            { kind, margin: referenceMargin },
          ),
        [{ data: pred, shape: [4, m] }],
        { eps: 1e-3 },
      );
      expect(r.maxRelError).toBeLessThan(5e-3);
    });
  }
});
