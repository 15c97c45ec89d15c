import { besselRatio, vmfLogNormalizer } from '../../math/bessel';
import { vmfLossReference, type VmfLossOptions } from '../../math/vmf';
import type { Engine } from '../../tensor/engine';
import { vmfLoss, vmfLogNormalizerGpu } from '../../tensor/ops/vmfLoss';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';
import { predictionBatch, rowwiseReference, runRowLoss, type PredictionBatch } from './predictionBatch';

/** κ from 1e-6 to 1e5, eight points per decade: the documented range of the normaliser. */
export const kappaGrid = Array.from({ length: 89 }, (_, i) => 10 ** (-6 + i / 8));
export const normaliserDims = [2, 3, 4, 17, 18, 100, 300, 1024];

export const vmfVariants: Record<string, VmfLossOptions> = {
  NLLvMF: { regularizer: { kind: 'none' }, approximate: false },
  reg1: { regularizer: { kind: 'reg1', lambda1: 0.02 }, approximate: false },
  reg2: { regularizer: { kind: 'reg2', lambda2: 0.1 }, approximate: false },
  'reg1+reg2': { regularizer: { kind: 'reg1+reg2', lambda1: 0.02, lambda2: 0.1 }, approximate: false },
  'log1p λ=0.2': { regularizer: { kind: 'log1p', lambda: 0.2 }, approximate: false },
  'approx + log1p': { regularizer: { kind: 'log1p', lambda: 0.2 }, approximate: true },
};

const vmfReference = (batch: PredictionBatch, options: VmfLossOptions) =>
  rowwiseReference(batch, (pred, target) => vmfLossReference(pred, target, options));

export const runVmf = (engine: Engine, batch: PredictionBatch, options: VmfLossOptions) =>
  runRowLoss(engine, batch, (pred, table, targets) => vmfLoss(pred, table, targets, options));

const lossDims = [2, 3, 100, 300, 1024];

export const vmfChecks: KernelCheck[] = [
  ...normaliserDims.map(
    (m): KernelCheck => ({
      kernel: 'vmf log C_m(κ)',
      sizes: `m=${m}, κ=1e-6…1e5`,
      tolerance: 1e-4,
      async run(engine) {
        const out = await engine
          .tidy(() => vmfLogNormalizerGpu(engine, m, engine.tensor(kappaGrid, [kappaGrid.length])))
          .read();
        return { actual: out.filter((_, i) => i % 2 === 0), reference: kappaGrid.map((k) => vmfLogNormalizer(m, k)) };
      },
    }),
  ),
  ...normaliserDims.map(
    (m): KernelCheck => ({
      kernel: 'vmf ratio A(κ)',
      sizes: `m=${m}, κ=1e-6…1e5`,
      // Measured over every m from 2 to 1024 on this grid: at most 4.3e-7 (m = 12, series); Debye's
      // expansion truncated at four terms was 4.3e-6 off at m = 18.
      tolerance: 1e-6,
      floor: 1e-30,
      async run(engine) {
        const out = await engine
          .tidy(() => vmfLogNormalizerGpu(engine, m, engine.tensor(kappaGrid, [kappaGrid.length])))
          .read();
        return {
          actual: out.filter((_, i) => i % 2 === 1),
          reference: kappaGrid.map((k) => besselRatio(m / 2 - 1, k)),
        };
      },
    }),
  ),
  ...Object.entries(vmfVariants).flatMap(([name, options]) =>
    lossDims
      .filter((m) => m >= 3 || !options.approximate)
      .flatMap((m): KernelCheck[] => {
        const batch = () => predictionBatch(17, 33, m, m);
        return [
          {
            kernel: `vmf loss ${name}`,
            sizes: `N=17 V=33 m=${m}`,
            tolerance: 1e-4,
            async run(engine) {
              const b = batch();
              return { actual: (await runVmf(engine, b, options))[0], reference: vmfReference(b, options).loss };
            },
          },
          {
            kernel: `vmf grad ${name}`,
            sizes: `N=17 V=33 m=${m}`,
            tolerance: 1e-4,
            async run(engine) {
              const b = batch();
              return { actual: (await runVmf(engine, b, options))[1], reference: vmfReference(b, options).grad };
            },
          },
        ];
      }),
  ),
  ...Object.entries(vmfVariants).map(([name, options]) => {
    const m = 6;
    const batch = predictionBatch(4, 7, m, 11);
    // Keep κ in a range where f32 central differences resolve the curvature.
    const pred = batch.pred.map((_, i) => Math.sin(i + 1) * 2);
    return gradientCheck(
      `vmfLoss ${name}`,
      `N=4 V=7 m=${m}`,
      [{ data: pred, shape: [4, m] }],
      (engine) => ({
        f: ([p]) => vmfLoss(p!, engine.tensor(batch.table, [7, m]), engine.tensor(batch.targets, [4], 'i32'), options),
      }),
      { differentiates: ['vmfLoss'], tolerance: 3e-3 },
    );
  }),
];
