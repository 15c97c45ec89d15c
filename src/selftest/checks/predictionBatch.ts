import { mulberry32, normalSampler } from '../../math/random';
import type { Engine } from '../../tensor/engine';
import type { Tensor } from '../../tensor/tensor';

export interface PredictionBatch {
  pred: Float32Array;
  table: Float32Array;
  targets: Int32Array;
  rows: number;
  vocab: number;
  m: number;
}

/**
 * Random predictions with norms spread over the whole κ range (1e-6 … 1e5, some exactly 0), unit
 * table rows, and a padding row (target −1).
 */
export function predictionBatch(rows: number, vocab: number, m: number, seed: number): PredictionBatch {
  const normal = normalSampler(seed);
  const uniform = mulberry32(seed + 1);
  const table = new Float32Array(vocab * m);
  for (let w = 0; w < vocab; w++) {
    const row = Array.from({ length: m }, normal);
    const norm = Math.hypot(...row);
    row.forEach((x, j) => (table[w * m + j] = x / norm));
  }
  const pred = new Float32Array(rows * m);
  const targets = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    targets[r] = r === rows - 1 && rows > 1 ? -1 : Math.floor(uniform() * vocab);
    const kappa = r === 0 ? 0 : 10 ** (-6 + 11 * uniform());
    const row = Array.from({ length: m }, normal);
    // Lean towards the target so cosines cover (−1, 1) rather than clustering near 0.
    const lean = 3 * uniform() * Math.sqrt(m);
    const t = Math.max(targets[r]!, 0);
    row.forEach((x, j) => (row[j] = x + lean * table[t * m + j]!));
    const norm = Math.hypot(...row);
    row.forEach((x, j) => (pred[r * m + j] = (kappa * x) / norm));
  }
  return { pred, table, targets, rows, vocab, m };
}

/** The float64 loss and gradient of every row by `row(prediction, target row, index)`; padding rows stay 0. */
export function rowwiseReference(
  batch: PredictionBatch,
  row: (pred: Float32Array, target: Float32Array, r: number) => { loss: number; grad: ArrayLike<number> },
): { loss: Float64Array; grad: Float64Array } {
  const { pred, table, targets, rows, m } = batch;
  const loss = new Float64Array(rows);
  const grad = new Float64Array(rows * m);
  for (let r = 0; r < rows; r++) {
    const t = targets[r]!;
    if (t < 0) continue;
    const out = row(pred.subarray(r * m, (r + 1) * m), table.subarray(t * m, (t + 1) * m), r);
    loss[r] = out.loss;
    grad.set(out.grad, r * m);
  }
  return { loss, grad };
}

/** The per-row loss `lossOf` computes on the GPU for the batch, and its gradient in the predictions. */
export function runRowLoss(
  engine: Engine,
  batch: PredictionBatch,
  lossOf: (pred: Tensor, table: Tensor, targets: Tensor) => Tensor,
): Promise<[Float32Array, Float32Array]> {
  return engine.tidy(() => {
    const pred = engine.tensor(batch.pred, [batch.rows, batch.m]);
    pred.requiresGrad = true;
    const loss = lossOf(
      pred,
      engine.tensor(batch.table, [batch.vocab, batch.m]),
      engine.tensor(batch.targets, [batch.rows], 'i32'),
    );
    engine.backward(loss);
    return Promise.all([loss.read(), pred.grad!.read()]) as Promise<[Float32Array, Float32Array]>;
  });
}
