// The power-spherical loss (De Cao & Aziz 2020): the negative log-likelihood of the target embedding
// under the density (1 + μᵀx)^κ / N(κ, m), μ = ê/‖ê‖ and κ = ‖ê‖, whose normaliser needs log-Gamma
// only (methods.md, "Power-spherical loss"; the kernel is shaders/power_spherical.wgsl). No
// regulariser, as in the authors' code and the seq2seq-con branch that has the loss.
import { samplePowerSpherical } from '../math/directionalSampling';
import { powerSphericalLossReference } from '../math/powerSpherical';
import { powerSphericalLoss } from '../tensor/ops/powerSphericalLoss';
import { z } from '../zod';
import { continuousHead } from './continuous';

export const powerSphericalDefinition = continuousHead({
  fields: { kind: z.literal('power-spherical') },
  label: () => 'power-spherical',
  loss: () => powerSphericalLoss,
  sampler: samplePowerSpherical,
  offers: [{ name: 'power-spherical (De Cao & Aziz)', spec: { kind: 'power-spherical' } }],
  settings: () => [],
  reference: {
    checked: [{ kind: 'power-spherical' }],
    loss: (_spec, pred, target) => powerSphericalLossReference(pred, target).loss,
  },
});
