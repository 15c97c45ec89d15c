// What the browser half of `npm run bench` measures and returns: products C = A·op(B) timed with
// Continuum's kernels and with TensorFlow.js's WebGPU backend in one Chromium page.
import type { ProductShape } from '../../../tensor/ops/matmulVariants';

/** A product of the peer table: never Aᵀ (TF.js's matMul is timed the way our forward pass reads it). */
export interface PeerProduct extends ProductShape {
  transposeA?: false;
  /** B stored [N, K], as the output layer's logits h·Wᵀ read it. */
  transposeB: boolean;
  /** Why this shape is in the table. */
  role: string;
}

export interface PeerRow {
  shape: PeerProduct;
  /** `continuum:<kernel>` or `tfjs-webgpu`. */
  implementation: string;
  gflops?: number;
  medianMs?: number;
  runs?: number;
  /** First call: shader compilation (browsers compile at the first submit) plus one product. */
  firstMs?: number;
  /** Why there is no figure: the product failed, or would take too long on this adapter. */
  skipped?: string;
}

export interface PeerReport {
  adapter: string;
  tfjsVersion: string;
  rows: PeerRow[];
}

export interface PeerOptions {
  /** Timing budget per (implementation, shape) after the warm-up run, ms. */
  budgetMs: number;
  /** Skip a product estimated (from the implementation's rate at an earlier shape) to take longer than this, ms. */
  maxProductMs: number;
}

declare global {
  interface Window {
    /** Set by the page once its modules have loaded. */
    continuumMatmulPeer?: (shapes: PeerProduct[], options: PeerOptions) => Promise<PeerReport>;
  }
}
