import { embeddingLossReference, mostInformativeNegative, type EmbeddingLossKind } from '../../math/embeddingLosses';
import type { Engine } from '../../tensor/engine';
import { embeddingLoss, mostInformativeNegatives } from '../../tensor/ops/embeddingLoss';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';
import { predictionBatch, rowwiseReference, runRowLoss, type PredictionBatch } from './predictionBatch';

const embeddingLossKinds: EmbeddingLossKind[] = [
  'l2',
  'cosine',
  'max-margin',
  'syn-margin-projection',
  'syn-margin-difference',
];
const referenceMargin = 0.5;

/** A loss as the kernel computes it: its kind and, for syn-margin, whether the negative is detached. */
export interface EmbeddingLossVariant {
  kind: EmbeddingLossKind;
  detachNegative?: boolean;
}

/** Every kind differentiated through, then the syn-margin kinds with their negative detached. */
const embeddingLossVariants: EmbeddingLossVariant[] = [
  ...embeddingLossKinds.map((kind) => ({ kind })),
  { kind: 'syn-margin-projection', detachNegative: true },
  { kind: 'syn-margin-difference', detachNegative: true },
];

const variantName = ({ kind, detachNegative }: EmbeddingLossVariant) =>
  detachNegative ? `${kind} (detached negative)` : kind;

const rowOf = (data: Float32Array, row: number, m: number) => data.subarray(row * m, (row + 1) * m);

/** Max-margin negatives by brute force on the CPU; padding rows keep −1. */
function referenceNegatives(batch: PredictionBatch): Int32Array {
  const { pred, table, targets, m, vocab } = batch;
  return Int32Array.from(targets, (t, r) =>
    t < 0 ? -1 : mostInformativeNegative(rowOf(pred, r, m), rowOf(table, t, m), table, vocab),
  );
}

const embeddingLossBatchReference = (
  { kind, detachNegative }: EmbeddingLossVariant,
  batch: PredictionBatch,
  negatives: Int32Array,
) =>
  rowwiseReference(batch, (pred, target, r) =>
    embeddingLossReference(kind, pred, target, {
      margin: referenceMargin,
      negative: rowOf(batch.table, negatives[r]!, batch.m),
      detachNegative,
    }),
  );

const runEmbeddingLoss = (
  engine: Engine,
  { kind, detachNegative }: EmbeddingLossVariant,
  batch: PredictionBatch,
  negatives: Int32Array,
) =>
  runRowLoss(engine, batch, (pred, table, targets) =>
    embeddingLoss(pred, table, targets, engine.tensor(negatives, [batch.rows], 'i32'), {
      kind,
      margin: referenceMargin,
      detachNegative,
    }),
  );

const lossChecks: KernelCheck[] = embeddingLossVariants.flatMap((variant) =>
  [3, 100, 300].flatMap((m): KernelCheck[] => {
    const batch = () => predictionBatch(17, 33, m, 5 * m);
    return (['loss', 'grad'] as const).map((part, index) => ({
      kernel: `${variantName(variant)} ${part}`,
      sizes: `N=17 V=33 m=${m}`,
      // Near κ = 1e-6 a cosine's gradient is ~1/κ and its two terms cancel in f32.
      tolerance: part === 'grad' && variant.kind !== 'l2' ? 3e-4 : 1e-4,
      async run(engine) {
        const b = batch();
        const negatives = referenceNegatives(b);
        const actual = (await runEmbeddingLoss(engine, variant, b, negatives))[index]!;
        const reference = embeddingLossBatchReference(variant, b, negatives);
        return { actual, reference: part === 'loss' ? reference.loss : reference.grad };
      },
    }));
  }),
);

const marginNegativeCheck: KernelCheck = {
  kernel: 'max-margin negative search',
  sizes: 'N=17 V=1500 m=20',
  tolerance: 0,
  async run(engine) {
    const b = predictionBatch(17, 1500, 20, 99);
    const ids = await engine
      .tidy(() =>
        mostInformativeNegatives(
          engine,
          engine.tensor(b.pred, [17, 20]),
          engine.tensor(b.table, [1500, 20]),
          engine.tensor(b.targets, [17], 'i32'),
        ),
      )
      .read();
    const reference = referenceNegatives(b);
    // Padding rows have no negative.
    return { actual: Array.from(ids, (id, r) => (b.targets[r]! < 0 ? -1 : id)), reference };
  },
};

/** ∂/∂ê by finite differences for each kind, with a fixed negative per row (max-margin's search is not differentiated). */
function gradientCheckOf(kind: EmbeddingLossKind): KernelCheck {
  const m = 5;
  const batch = predictionBatch(4, 6, m, 17);
  const pred = batch.pred.map((_, i) => Math.cos(3 * i + 1));
  const negatives = Int32Array.from(batch.targets, (t) => (t < 0 ? -1 : (t + 1) % 6));
  return gradientCheck(
    `embeddingLoss ${kind}`,
    `N=4 V=6 m=${m}`,
    [{ data: pred, shape: [4, m] }],
    (engine) => ({
      f: ([p]) =>
        embeddingLoss(
          p!,
          engine.tensor(batch.table, [6, m]),
          engine.tensor(batch.targets, [4], 'i32'),
          engine.tensor(negatives, [4], 'i32'),
          { kind, margin: referenceMargin },
        ),
    }),
    { differentiates: ['embeddingLoss'], eps: 1e-3, tolerance: 5e-3 },
  );
}

export const embeddingLossChecks: KernelCheck[] = [
  ...lossChecks,
  marginNegativeCheck,
  ...embeddingLossKinds.map(gradientCheckOf),
];
