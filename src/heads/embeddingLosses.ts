// The embedding losses of the continuous heads that share one kernel (shaders/embedding_losses.wgsl):
// L2, cosine, max-margin with the most informative negative, and the two syn-margin forms
// (methods.md). Each is a head of its own.
import { embeddingLossReference, mostInformativeNegative, type EmbeddingLossKind } from '../math/embeddingLosses';
import { real } from '../ranges';
import { embeddingLoss, mostInformativeNegatives } from '../tensor/ops/embeddingLoss';
import { z } from '../zod';
import { continuousHead } from './continuous';
import type { HeadSetting } from './definition';

/** A cosine margin: cosines differ by at most 2. */
const margin = real(0, 2, true);
const marginSetting = (spec: { margin: number }): HeadSetting[] => [
  { path: ['margin'], label: 'margin γ', value: spec.margin },
];

/** One token's loss in float64; the negative (max-margin's) is the reference code's most informative one. */
function lossReference(
  kind: EmbeddingLossKind,
  margin: number,
  pred: Float64Array,
  target: Float32Array,
  table: Float32Array,
) {
  const m = pred.length;
  const negative = mostInformativeNegative(pred, target, table, table.length / m);
  return embeddingLossReference(kind, pred, target, {
    margin,
    negative: table.subarray(negative * m, (negative + 1) * m),
  }).loss;
}

export const l2Definition = continuousHead({
  fields: { kind: z.literal('l2') },
  label: () => 'L2',
  loss: () => (pred, table, targets) => embeddingLoss(pred, table, targets, undefined, { kind: 'l2', margin: 0 }),
  offers: [{ name: 'L2', spec: { kind: 'l2' } }],
  settings: () => [],
  reference: { checked: [{ kind: 'l2' }], loss: (spec, ...rows) => lossReference(spec.kind, 0, ...rows) },
});

export const cosineDefinition = continuousHead({
  fields: { kind: z.literal('cosine') },
  label: () => 'cosine',
  loss: () => (pred, table, targets) => embeddingLoss(pred, table, targets, undefined, { kind: 'cosine', margin: 0 }),
  offers: [{ name: 'cosine', spec: { kind: 'cosine' } }],
  settings: () => [],
  reference: { checked: [{ kind: 'cosine' }], loss: (spec, ...rows) => lossReference(spec.kind, 0, ...rows) },
});

export const maxMarginDefinition = continuousHead({
  fields: { kind: z.literal('max-margin'), margin },
  label: (spec) => `max-margin γ=${spec.margin}`,
  loss: (spec) => (pred, table, targets) => {
    const negatives = pred.engine.withoutGradients(() => mostInformativeNegatives(pred.engine, pred, table, targets));
    return embeddingLoss(pred, table, targets, negatives, { kind: 'max-margin', margin: spec.margin });
  },
  offers: [{ name: 'max-margin', spec: { kind: 'max-margin', margin: 0.5 } }],
  settings: marginSetting,
  reference: {
    checked: [{ kind: 'max-margin', margin: 0.5 }],
    loss: (spec, ...rows) => lossReference(spec.kind, spec.margin, ...rows),
  },
});

export const synMarginDefinition = continuousHead({
  fields: {
    kind: z.enum(['syn-margin-projection', 'syn-margin-difference']),
    margin,
    /**
     * Default true, as the one public port: the synthetic negative is a constant in the gradient.
     * Differentiated through, the difference form is met by shrinking ‖ê‖ instead of aligning ê
     * (docs/fidelity.md).
     */
    detachNegative: z.boolean().optional(),
  },
  label: (spec) =>
    `syn-margin (${spec.kind === 'syn-margin-projection' ? 'projection' : 'difference'}) γ=${spec.margin}${spec.detachNegative === false ? ', negative not detached' : ''}`,
  loss:
    ({ kind, margin, detachNegative = true }) =>
    (pred, table, targets) =>
      embeddingLoss(pred, table, targets, undefined, { kind, margin, detachNegative }),
  offers: [
    { name: 'syn-margin (projection)', spec: { kind: 'syn-margin-projection', margin: 0.5 } },
    { name: 'syn-margin (difference)', spec: { kind: 'syn-margin-difference', margin: 0.5 } },
  ],
  settings: marginSetting,
  reference: {
    // Differentiated through, so that finite differences check its gradient (test/gpu/heads.test.ts);
    // the default detached gradient is checked against its float64 reference with the kernel
    // (src/selftest/checks/embeddingLosses.ts).
    checked: [{ kind: 'syn-margin-difference', margin: 0.5, detachNegative: false }],
    loss: (spec, ...rows) => lossReference(spec.kind, spec.margin, ...rows),
  },
});
