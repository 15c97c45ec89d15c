import type { Engine } from '../tensor/engine';
import type { OpName } from '../tensor/ops';

/**
 * One kernel run on the current adapter against its float64 CPU reference. The self-test
 * (`continuum selftest`, the page's button) and the vitest suites run the same list.
 */
export interface KernelCheck {
  kernel: string;
  /** Human-readable sizes, e.g. "M=17 K=33 N=65". */
  sizes: string;
  /** Pass when max |gpu − ref| / max(|ref|, floor) stays below this. */
  tolerance: number;
  /** Below this magnitude, errors count as absolute (default 1). */
  floor?: number;
  /** A finite-difference check: the ops of the `ops` table whose backward it checks (see gradientCheck). */
  differentiates?: readonly OpName[];
  run(engine: Engine): Promise<{ actual: ArrayLike<number>; reference: ArrayLike<number> }>;
}

export interface KernelCheckResult {
  kernel: string;
  sizes: string;
  maxAbs: number;
  maxRel: number;
  tolerance: number;
  pass: boolean;
  error?: string;
}

/** Check errors span 1e-12 … 1e2, so scientific notation reads best; a dash means no number was produced. */
export function formatCheckError(value: number): string {
  return Number.isFinite(value) ? value.toExponential(2) : '—';
}
