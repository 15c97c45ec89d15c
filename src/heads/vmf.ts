// NLLvMF (Kumar & Tsvetkov 2019): the negative log-likelihood of the target embedding under a von
// Mises-Fisher distribution with mean direction ê/‖ê‖ and concentration κ = ‖ê‖, with the paper's
// and the reference code's regularisers (methods.md; the kernel is shaders/vmf.wgsl).
import { sampleVmf } from '../math/directionalSampling';
import { vmfLossReference, type VmfLossOptions } from '../math/vmf';
import { real } from '../ranges';
import { vmfLoss } from '../tensor/ops/vmfLoss';
import { z } from '../zod';
import { continuousHead } from './continuous';

const regularizer = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('reg1'), lambda1: real(0, 10) }),
  // λ2 = 0 would drop the cosine term entirely, leaving a loss that only shrinks κ.
  z.strictObject({ kind: z.literal('reg2'), lambda2: real(0, 10, true) }),
  z.strictObject({ kind: z.literal('reg1+reg2'), lambda1: real(0, 10), lambda2: real(0, 10, true) }),
  z.strictObject({ kind: z.literal('log1p'), lambda: real(-1, 1) }),
]);

function regularizerLabel({ regularizer: r }: VmfLossOptions): string {
  if (r.kind === 'none') return '';
  if (r.kind === 'reg1') return ` reg1 λ1=${r.lambda1}`;
  if (r.kind === 'reg2') return ` reg2 λ2=${r.lambda2}`;
  if (r.kind === 'reg1+reg2') return ` reg1+reg2 λ1=${r.lambda1} λ2=${r.lambda2}`;
  return ` log(1+κ)(λ−cos) λ=${r.lambda}`;
}

const referenceCode = { kind: 'vmf', regularizer: { kind: 'log1p', lambda: 0.2 }, approximate: false } as const;

export const vmfDefinition = continuousHead({
  fields: {
    kind: z.literal('vmf'),
    regularizer,
    // Defaults to the exact normaliser so `head={"kind":"vmf","regularizer":…}` is enough.
    approximate: z.boolean().default(false),
  },
  label: (spec) => `NLLvMF${regularizerLabel(spec)}${spec.approximate ? ' (approx.)' : ''}`,
  loss: (spec) => (pred, table, targets) => vmfLoss(pred, table, targets, spec),
  sampler: sampleVmf,
  offers: [
    { name: 'NLLvMF, log(1+κ)(λ − cos) (reference code)', spec: referenceCode },
    {
      name: "NLLvMF, log(1+κ)(λ − cos), generator layer norm (the authors' Transformer recipe)",
      spec: { ...referenceCode, generatorLayerNorm: true },
    },
    {
      name: 'NLLvMF reg1+reg2 (paper)',
      spec: { kind: 'vmf', regularizer: { kind: 'reg1+reg2', lambda1: 0.02, lambda2: 0.1 }, approximate: false },
    },
    { name: 'NLLvMF reg1', spec: { kind: 'vmf', regularizer: { kind: 'reg1', lambda1: 0.02 }, approximate: false } },
    { name: 'NLLvMF, no regulariser', spec: { kind: 'vmf', regularizer: { kind: 'none' }, approximate: false } },
  ],
  settings: (spec) => [
    ...Object.entries(spec.regularizer)
      .filter(([, value]) => typeof value === 'number')
      .map(([key, value]) => ({
        path: ['regularizer', key],
        label: key.replace('lambda', 'λ'),
        value: value as number,
      })),
    { path: ['approximate'], label: 'closed-form approximation', value: spec.approximate },
  ],
  reference: {
    checked: [{ kind: 'vmf', regularizer: { kind: 'reg1+reg2', lambda1: 0.02, lambda2: 0.1 }, approximate: false }],
    loss: (spec, pred, target) => vmfLossReference(pred, target, spec).loss,
  },
});
