import { digammaDifference, logGammaRatio } from '../../math/gamma';
import { normalSampler } from '../../math/random';
import { powerSphericalLossReference } from '../../math/powerSpherical';
import type { Engine } from '../../tensor/engine';
import { powerSphericalLoss, powerSphericalNormalizerGpu } from '../../tensor/ops/powerSphericalLoss';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';
import { predictionBatch, rowwiseReference, runRowLoss, type PredictionBatch } from './predictionBatch';
import { kappaGrid, normaliserDims } from './vmf';

/** Concentrations and cosines at the ends of the documented range, for every pair of which a row is built. */
const edgeKappas = [1e-3, 0.1, 1, 10, 1e3, 1e4];
const edgeCosines = [-1, -(1 - 1e-6), -0.999, -0.5, 0, 0.5, 0.999, 1 - 1e-6, 1];

/**
 * One row for each (κ, c) of the edge grids: ê = κ(c·e + √(1 − c²)·u) with u a unit vector orthogonal
 * to the target row e, then a padding row.
 */
export function edgeBatch(m: number, seed: number): PredictionBatch {
  const vocab = 5;
  const base = predictionBatch(1, vocab, m, seed);
  const normal = normalSampler(seed + 2);
  const pairs = edgeKappas.flatMap((kappa) => edgeCosines.map((cos) => [kappa, cos] as const));
  const rows = pairs.length + 1;
  const pred = new Float32Array(rows * m);
  const targets = Int32Array.from({ length: rows }, (_, r) => (r === rows - 1 ? -1 : r % vocab));
  pairs.forEach(([kappa, cos], r) => {
    const e = base.table.subarray(targets[r]! * m, (targets[r]! + 1) * m);
    const u = Array.from({ length: m }, normal);
    const along = u.reduce((s, x, j) => s + x * e[j]!, 0);
    u.forEach((x, j) => (u[j] = x - along * e[j]!));
    const norm = Math.hypot(...u);
    const sin = Math.sqrt(1 - cos * cos);
    for (let j = 0; j < m; j++) pred[r * m + j] = kappa * (cos * e[j]! + (sin * u[j]!) / norm);
  });
  return { pred, table: base.table, targets, rows, vocab, m };
}

const reference = (batch: PredictionBatch) => rowwiseReference(batch, powerSphericalLossReference);

export const runPowerSpherical = (engine: Engine, batch: PredictionBatch) =>
  runRowLoss(engine, batch, powerSphericalLoss);

function lossAndGradChecks(
  name: string,
  batch: () => PredictionBatch,
  sizes: string,
  tolerances: { loss: number; grad: number },
): KernelCheck[] {
  return (['loss', 'grad'] as const).map((part, index) => ({
    kernel: `power-spherical ${part}${name}`,
    sizes,
    tolerance: tolerances[part],
    async run(engine) {
      const b = batch();
      return { actual: (await runPowerSpherical(engine, b))[index]!, reference: reference(b)[part] };
    },
  }));
}

function normalizerCheck(m: number, part: 0 | 1, tolerance: number, floor: number): KernelCheck {
  const beta = (m - 1) / 2;
  const exact = part === 0 ? logGammaRatio : digammaDifference;
  return {
    kernel: part === 0 ? 'power-spherical lnΓ(κ+β) − lnΓ(κ+2β)' : 'power-spherical ψ(κ+β) − ψ(κ+2β)',
    sizes: `m=${m}, κ=1e-6…1e5`,
    tolerance,
    floor,
    async run(engine) {
      const out = await engine
        .tidy(() => powerSphericalNormalizerGpu(engine, m, engine.tensor(kappaGrid, [kappaGrid.length])))
        .read();
      return {
        actual: out.filter((_, i) => i % 2 === part),
        reference: kappaGrid.map((kappa) => exact(kappa + beta, beta)),
      };
    },
  };
}

const lossDims = [2, 3, 5, 17, 300, 1023];

export const powerSphericalChecks: KernelCheck[] = [
  ...normaliserDims.map((m) => normalizerCheck(m, 0, 2e-6, 1)),
  ...normaliserDims.map((m) => normalizerCheck(m, 1, 2e-6, 1e-30)),
  ...lossDims.flatMap((m) =>
    lossAndGradChecks('', () => predictionBatch(17, 33, m, m), `N=17 V=33 m=${m}`, { loss: 1e-4, grad: 1e-4 }),
  ),
  // The gradient's tangential part, −(e − cμ)/(1 + c), is ~1/√(1 + c) times the ê + κe it is formed
  // from, whose f32 terms cancel: measured 4.2e-3 at 1 + c = 1e-6 and m = 300, below 1e-4 from
  // 1 + c = 1e-3 on (docs/methods.md).
  ...[7, 300].flatMap((m) =>
    lossAndGradChecks(' near c = ±1', () => edgeBatch(m, m), `κ=1e-3…1e4, c=−1…1, m=${m}`, { loss: 3e-5, grad: 1e-2 }),
  ),
  gradientCheck(
    'powerSphericalLoss',
    'N=4 V=7 m=6',
    // Keep κ where f32 central differences resolve the curvature.
    [{ data: predictionBatch(4, 7, 6, 11).pred.map((_, i) => Math.sin(i + 1) * 2), shape: [4, 6] }],
    (engine) => {
      const batch = predictionBatch(4, 7, 6, 11);
      return {
        f: ([p]) =>
          powerSphericalLoss(p!, engine.tensor(batch.table, [7, 6]), engine.tensor(batch.targets, [4], 'i32')),
      };
    },
    { differentiates: ['powerSphericalLoss'], tolerance: 3e-3 },
  ),
];
