// BrierLM of a language model (methods.md, "BrierLM: one metric for every language-model head"):
// Brier-1 … 4 at evaluation positions of the validation windows, each head sampled from its own
// predictive distribution (`Head.predictive`): categorically from its probabilities, or by drawing a
// direction from its vMF or power-spherical fit and taking the direction's nearest word; a head with
// neither is a point mass on its decoding. The draws are on the CPU from read-back probabilities or
// predictions, which is enough for a metric read a few times per run.
// Shape legend: R rollout rows in one pass, T their longest context, d hidden size, V vocabulary,
// m embedding dimension.
import { buildBatch, type Example } from '../data/batching';
import {
  type BrierEstimate,
  type BrierPosition,
  brierOrders,
  estimateBrier,
  type NextTokenSampler,
  sampleCategorical,
} from '../math/brier';
import type { DirectionSampler, RandomSource } from '../math/directionalSampling';
import { embedding, uploadIndices } from '../tensor/ops/embedding';
import { sequenceBatch, type TrainingRun } from './run';

/** Rollout rows per forward pass: bounds the [R, V] probabilities read back at once. */
const rowsPerPass = 128;

/**
 * Up to `count` positions spread evenly over the validation windows, each one followed by
 * `brierOrders` true tokens in its window (a rollout then fits in the model's context).
 */
export function brierPositions(valid: readonly Example[], count: number): BrierPosition[] {
  const starts = valid.map((example) => Math.max(0, example.target.length - brierOrders + 1));
  const total = starts.reduce((s, n) => s + n, 0);
  const picked = Math.min(count, total);
  const positions: BrierPosition[] = [];
  let example = 0;
  let before = 0;
  for (let i = 0; i < picked; i++) {
    const index = Math.floor((i * total) / picked);
    while (index >= before + starts[example]!) before += starts[example++]!;
    const { input, target } = valid[example]!;
    const t = index - before;
    positions.push({ context: input.subarray(0, t + 1), continuation: target.subarray(t, t + brierOrders) });
  }
  return positions;
}

type Request = Parameters<NextTokenSampler>[0][number];

/** One token per request, drawn from the head's distribution after the request's context. */
async function sampleRows(run: TrainingRun, requests: readonly Request[]): Promise<Int32Array> {
  const { engine, model } = run;
  const rows = requests.map(({ context }) => ({ source: null, input: context, target: context }));
  const batch = buildBatch(
    rows,
    rows.map((_, i) => i),
  );
  const last = Int32Array.from(requests, ({ context }, b) => b * batch.length + context.length - 1);
  const read = engine.withoutGradients(() =>
    engine.tidy(() => {
      const hidden = model.backbone.forward(engine, sequenceBatch(batch), { dropout: 0 });
      const states = embedding(hidden, uploadIndices(engine, last, [last.length], hidden.shape[0]!, 'last positions'));
      const predictive = model.head.predictive?.(states);
      const values = engine.readLater(
        predictive?.kind === 'categorical'
          ? predictive.probabilities
          : predictive?.kind === 'directional'
            ? predictive.prediction
            : model.head.decode(states, 1).ids,
      );
      engine.flush();
      // No tensor leaves the scope: what comes after needs the read values and the functions alone.
      // (Returning the predictive itself would keep its prediction, which nothing then releases.)
      return {
        values,
        kind: predictive?.kind,
        directional:
          predictive?.kind === 'directional' ? { sample: predictive.sample, nearest: predictive.nearest } : undefined,
      };
    }),
  );
  const values = await read.values;
  const width = values.length / requests.length;
  const rowOf = (r: number) => values.subarray(r * width, (r + 1) * width);
  if (read.kind === 'categorical')
    return Int32Array.from(requests, ({ random }, r) => sampleCategorical(rowOf(r), random));
  if (!read.directional) return Int32Array.from(values);
  const { sample, nearest } = read.directional;
  const directions = new Float32Array(values.length);
  requests.forEach(({ random }, r) => directions.set(sampleDirection(rowOf(r), sample, random), r * width));
  const ids = engine.withoutGradients(() =>
    engine.tidy(() => {
      const nearestIds = engine.readLater(
        nearest(engine.tensor(directions, [requests.length, width], 'f32', 'directions')),
      );
      engine.flush();
      return nearestIds;
    }),
  );
  return Int32Array.from(await ids);
}

/** A direction around ê/‖ê‖ at κ = ‖ê‖ (at κ = 0 the family is uniform, and any unit mean will do). */
function sampleDirection(prediction: ArrayLike<number>, sample: DirectionSampler, random: RandomSource): Float64Array {
  const kappa = Math.hypot(...Array.from(prediction));
  const mean = Float64Array.from(prediction, (x, j) => (kappa > 0 ? x / kappa : j === 0 ? 1 : 0));
  return sample(mean, kappa, random);
}

/** Draws from the run's head, `rowsPerPass` rows to a forward pass. */
export function headSampler(run: TrainingRun): NextTokenSampler {
  return async (requests) => {
    const drawn = new Int32Array(requests.length);
    for (let start = 0; start < requests.length; start += rowsPerPass)
      drawn.set(await sampleRows(run, requests.slice(start, start + rowsPerPass)), start);
    return drawn;
  };
}

/**
 * Brier-1 … 4 of the run's model at up to `positions` validation positions (undefined when no window
 * is long enough), its draws from `seed`: the same model and seed give the same figures.
 */
export async function brierOfRun(
  run: TrainingRun,
  positions: number,
  seed: number,
): Promise<BrierEstimate | undefined> {
  const picked = brierPositions(run.task.valid, positions);
  return picked.length === 0 ? undefined : estimateBrier(headSampler(run), picked, seed);
}
