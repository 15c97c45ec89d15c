// PLIF, one learnable increasing piecewise-linear function applied to every logit, and the O(K)
// scan it needs (shaders/plif.wgsl). Shape legend: n logits (any shape), K pieces.
import { shaderConstant } from '../../gpu';
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import type { Tensor } from '../tensor';
import { grid1d } from '../workgroups';

/** K pieces on a uniform grid over [−range, range]. */
export interface PlifGrid {
  pieces: number;
  range: number;
}

/** Values per block of the scan's first and last passes. */
const block = shaderConstant('plif', 'BLOCK');
/** Logits per histogram partial, and the most partials: memory is 2·K floats per partial. */
const elementsPerPartial = 65536;
const maxPartials = 16;

interface PlifUniforms {
  n: number;
  grid: PlifGrid;
  span?: number;
  parts?: number;
  softplus?: boolean;
  reverse?: boolean;
}

function uniformsOf({ n, grid, span = 0, parts = 0, softplus = false, reverse = false }: PlifUniforms) {
  return {
    n,
    pieces: grid.pieces,
    range: grid.range,
    delta: (2 * grid.range) / grid.pieces,
    span,
    parts,
    softplus: softplus ? 1 : 0,
    reverse: reverse ? 1 : 0,
  };
}

/** Histogram partials for n logits: a fixed partition of the logits, hence a fixed summation order. */
export function plifPartials(n: number): number {
  return Math.min(maxPartials, Math.max(1, Math.ceil(n / elementsPerPartial)));
}

export interface ScanOptions {
  /** Scan softplus(src) instead of src; `values` then holds the softplus values. */
  softplus?: boolean;
  /** Suffix sums: out[i] = Σ_{j>i} v_j instead of Σ_{j<i} v_j. */
  reverse?: boolean;
}

/**
 * Exclusive prefix (or suffix) sums of a 1-D f32 tensor in three passes: block sums, one sequential
 * pass over the ⌈n/256⌉ block sums, then a running sum through each block. Deterministic. `values` holds the scanned
 * values in scan order (the softplus of src, for the PLIF slopes). Not differentiable.
 */
export function exclusiveScan(
  engine: Engine,
  src: Tensor,
  options: ScanOptions = {},
): { sums: Tensor; values: Tensor } {
  const n = src.size;
  const blocks = Math.ceil(n / block);
  if (n < 1 || blocks > 65535 * 64)
    throw new Error(`exclusiveScan takes 1 to ${65535 * 64 * block} values, got ${src}`);
  const uniforms = uniformsOf({ n, grid: { pieces: n, range: 1 }, ...options });
  const values = engine.empty([n], 'f32', 'scan.values');
  const offsets = engine.empty([blocks], 'f32', 'scan.offsets');
  const sums = engine.empty([n], 'f32', 'scan.sums');
  const groups: [number] = [Math.ceil(blocks / 64)];
  engine.run({
    shader: 'plif',
    entry: 'scan_reduce_main',
    uniforms,
    bindings: { reduce_src: src, reduce_values: values, reduce_sums: offsets },
    workgroups: groups,
    label: 'scan.reduce',
  });
  engine.run({
    shader: 'plif',
    entry: 'scan_offsets_main',
    uniforms,
    bindings: { offsets_sums: offsets },
    workgroups: [1],
    label: 'scan.offsets',
  });
  engine.run({
    shader: 'plif',
    entry: 'scan_apply_main',
    uniforms,
    bindings: { apply_values: values, apply_offsets: offsets, apply_out: sums },
    workgroups: groups,
    label: 'scan.apply',
  });
  offsets.release();
  return { sums, values };
}

type PlifSaved = { x: Tensor; theta: Tensor; w: Tensor; grid: PlifGrid };

/** ∂L/∂θ from ∂L/∂y: histograms per partial, a merge in partial order, a suffix scan, ×σ(θ). */
function slopeGradient(engine: Engine, g: Tensor, { x, theta, grid }: PlifSaved): Tensor {
  const n = x.size;
  const parts = plifPartials(n);
  const uniforms = uniformsOf({ n, grid, span: Math.ceil(n / parts), parts });
  const partials = engine.empty([parts, 2, grid.pieces], 'f32', 'plif.partials');
  engine.run({
    shader: 'plif',
    entry: 'plif_histogram_main',
    uniforms,
    bindings: { hist_x: x, hist_g: g, hist_partials: partials },
    workgroups: [parts],
    label: 'plif.histogram',
  });
  const mass = engine.empty([grid.pieces], 'f32', 'plif.mass');
  const moment = engine.empty([grid.pieces], 'f32', 'plif.moment');
  engine.run({
    shader: 'plif',
    entry: 'plif_merge_main',
    uniforms,
    bindings: { merge_partials: partials, merge_mass: mass, merge_moment: moment },
    workgroups: grid1d(grid.pieces),
    label: 'plif.merge',
  });
  partials.release();
  const above = exclusiveScan(engine, mass, { reverse: true });
  const dtheta = engine.empty(theta.shape, 'f32', 'plif.dtheta');
  engine.run({
    shader: 'plif',
    entry: 'plif_dtheta_main',
    uniforms,
    bindings: { dt_theta: theta, dt_above: above.sums, dt_moment: moment, dt_out: dtheta },
    workgroups: grid1d(grid.pieces),
    label: 'plif.dtheta',
  });
  for (const t of [mass, moment, above.sums, above.values]) t.release();
  return dtheta;
}

const plifOp: Op<[Tensor, Tensor, PlifGrid], PlifSaved> = {
  name: 'plif',
  forward(engine, x, theta, grid) {
    if (x.dtype !== 'f32' || theta.dtype !== 'f32' || theta.rank !== 1 || theta.size !== grid.pieces) {
      throw new Error(`plif needs f32 logits and f32 θ [${grid.pieces}], got ${x} and ${theta}`);
    }
    if (!Number.isInteger(grid.pieces) || grid.pieces < 2 || !(grid.range > 0)) {
      throw new Error(`plif needs at least 2 pieces and a positive range, got K=${grid.pieces} T=${grid.range}`);
    }
    const { sums: c, values: w } = exclusiveScan(engine, theta, { softplus: true });
    const y = engine.empty(x.shape, 'f32', 'plif.y');
    if (x.size > 0) {
      engine.run({
        shader: 'plif',
        entry: 'plif_forward_main',
        uniforms: uniformsOf({ n: x.size, grid }),
        bindings: { fwd_x: x, fwd_w: w, fwd_c: c, fwd_y: y },
        workgroups: grid1d(x.size),
        label: 'plif',
      });
    }
    c.release();
    return { out: y, saved: { x, theta, w, grid } };
  },
  backward(engine, g, saved, needs) {
    const { x, w, grid } = saved;
    let dx: Tensor | undefined;
    if (needs[0] && x.size > 0) {
      dx = engine.empty(x.shape, 'f32', 'plif.dx');
      engine.run({
        shader: 'plif',
        entry: 'plif_dx_main',
        uniforms: uniformsOf({ n: x.size, grid }),
        bindings: { dx_x: x, dx_w: w, dx_g: g, dx_out: dx },
        workgroups: grid1d(x.size),
        label: 'plif.dx',
      });
    }
    return [dx, needs[1] && x.size > 0 ? slopeGradient(engine, g, saved) : undefined];
  },
};

export const plifOps = { plif: plifOp };

/**
 * f(x) elementwise with slopes softplus(θ), θ [K]. Differentiable in x (∂f/∂x = w_i) and in θ
 * (accumulated deterministically: the same inputs give bit-identical ∂θ).
 */
export function plif(x: Tensor, theta: Tensor, grid: PlifGrid): Tensor {
  return apply(plifOp, x, theta, grid);
}
