// The page behind the matmul half of `npm run bench`: each of Continuum's matmul kernels and
// TensorFlow.js's WebGPU backend (the library a user would otherwise reach for) time the same
// products on the same adapter, in the same page, with the same warm-up and budget.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { acquireGpu, adapterLine } from '../../../gpu';
import { Engine } from '../../../tensor/engine';
import { matmul } from '../../../tensor/ops/matmul';
import { kernelAccepts, matmulKernels, type MatmulKernelName } from '../../../tensor/ops/matmulKernels';
import { productFlops, productGeometry } from '../../../tensor/ops/matmulVariants';
import { measure, timeSubmitted, type Measurement } from '../../../tensor/timing';
import type { PeerOptions, PeerProduct, PeerReport, PeerRow } from './matmulShapes';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GFLOP/s seen so far per implementation, to skip products that would run for minutes. */
function estimator(maxProductMs: number) {
  const rates = new Map<string, number>();
  return {
    skipReason(implementation: string, shape: PeerProduct): string | undefined {
      const rate = rates.get(implementation);
      const estimate = rate === undefined ? 0 : productFlops(shape) / (rate * 1e6);
      return estimate > maxProductMs
        ? `skipped: about ${(estimate / 1000).toFixed(0)} s per product at its rate on a smaller shape`
        : undefined;
    },
    note(implementation: string, gflops: number) {
      rates.set(implementation, Math.min(gflops, rates.get(implementation) ?? Infinity));
    },
  };
}

function row(shape: PeerProduct, implementation: string, m: Measurement): PeerRow {
  return {
    shape,
    implementation,
    gflops: productFlops(shape) / (m.medianMs * 1e6),
    medianMs: m.medianMs,
    runs: m.runs,
    firstMs: m.firstMs,
  };
}

async function timeContinuum(
  engine: Engine,
  shape: PeerProduct,
  kernel: MatmulKernelName,
  budgetMs: number,
): Promise<Measurement> {
  const { m, k, n, transposeB } = shape;
  const a = engine.fill([m, k], 0.5, 'bench.a');
  const b = engine.fill(transposeB ? [n, k] : [k, n], 0.25, 'bench.b');
  try {
    const measurement = await measure(
      (expectedMs) =>
        timeSubmitted(
          engine,
          () => engine.withoutGradients(() => engine.tidy(() => void matmul(a, b, { transposeB, kernel }))),
          expectedMs,
        ),
      { budgetMs },
    );
    const [error] = engine.gpu.takeErrors();
    if (error) throw error;
    return measurement;
  } finally {
    a.release();
    b.release();
  }
}

/** TF.js has no "work done" promise: reading one element of C waits for the product without copying C back. */
async function timeTfjs(shape: PeerProduct, budgetMs: number): Promise<Measurement> {
  const { m, k, n, transposeB } = shape;
  const a = tf.fill([m, k], 0.5);
  const b = tf.fill(transposeB ? [n, k] : [k, n], 0.25);
  try {
    return await measure(
      async (expectedMs) => {
        const started = performance.now();
        const c = tf.matMul(a, b, false, transposeB);
        const probe = tf.slice(c, [0, 0], [1, 1]);
        if (expectedMs > 2) await sleep(expectedMs);
        await probe.data();
        tf.dispose([c, probe]);
        return performance.now() - started;
      },
      { budgetMs },
    );
  } finally {
    tf.dispose([a, b]);
  }
}

async function run(shapes: PeerProduct[], { budgetMs, maxProductMs }: PeerOptions): Promise<PeerReport> {
  const gpu = await acquireGpu(navigator.gpu);
  const engine = new Engine(gpu);
  if (!(await tf.setBackend('webgpu')))
    throw new Error('TensorFlow.js could not start its WebGPU backend on this adapter');
  await tf.ready();
  const estimate = estimator(maxProductMs);
  const rows: PeerRow[] = [];
  const attempt = async (implementation: string, shape: PeerProduct, time: () => Promise<PeerRow>) => {
    let result: PeerRow;
    const skipped = estimate.skipReason(implementation, shape);
    if (skipped) result = { shape, implementation, skipped };
    else {
      try {
        result = await time();
        estimate.note(implementation, result.gflops!);
      } catch (error) {
        result = {
          shape,
          implementation,
          skipped: `failed: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    }
    rows.push(result);
    // The driver echoes "bench:" lines as progress.
    console.log(
      `bench: ${implementation} ${shape.m}×${shape.k}×${shape.n}: ${result.gflops === undefined ? result.skipped : `${result.gflops.toFixed(2)} GFLOP/s`}`,
    );
  };
  for (const shape of shapes) {
    // Each kernel on the layouts it can read (the vec4 kernels need their operands contiguous).
    const geometry = productGeometry(shape).geometry;
    for (const kernel of (Object.keys(matmulKernels) as MatmulKernelName[]).filter((name) =>
      kernelAccepts(name, geometry),
    )) {
      await attempt(`continuum:${kernel}`, shape, async () =>
        row(shape, `continuum:${kernel}`, await timeContinuum(engine, shape, kernel, budgetMs)),
      );
    }
    await attempt('tfjs-webgpu', shape, async () => row(shape, 'tfjs-webgpu', await timeTfjs(shape, budgetMs)));
  }
  engine.destroy();
  gpu.destroy();
  return { adapter: adapterLine(gpu.adapter), tfjsVersion: tf.version_core, rows };
}

window.continuumMatmulPeer = run;
