// Reductions over the last axis (shaders/reduce.wgsl). A tensor of shape [..., width] is read as
// [rows, width] with rows = the product of the leading dimensions; the output drops the last axis.
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import { describeShape, type Shape, type Tensor } from '../tensor';
import { grid1d, rowWorkgroupSize } from '../workgroups';

/** Rows of a [rows, width] view and the shape of one value per row. */
export interface RowLayout {
  rows: number;
  width: number;
  outShape: Shape;
}

export function lastAxisLayout(shape: Shape, what: string): RowLayout {
  const width = shape.at(-1);
  if (width === undefined || width < 1)
    throw new Error(`${what} needs a non-empty last axis, got ${describeShape(shape)}`);
  const outShape = shape.slice(0, -1);
  return { rows: outShape.reduce((a, b) => a * b, 1), width, outShape };
}

function wholeTensorLayout(shape: Shape, what: string): RowLayout {
  const width = shape.reduce((a, b) => a * b, 1);
  if (width < 1) throw new Error(`${what} needs a non-empty tensor, got ${describeShape(shape)}`);
  return { rows: 1, width, outShape: [1] };
}

function runRowSum(
  engine: Engine,
  x: Tensor,
  { rows, width, outShape }: RowLayout,
  scale: number,
  label: string,
): Tensor {
  const out = engine.empty(outShape, 'f32', label);
  engine.run({
    shader: 'reduce',
    entry: 'sum_rows_main',
    overrides: { WG: rowWorkgroupSize(engine, width) },
    uniforms: { rows, width, scale },
    bindings: { sum_x: x, sum_out: out },
    workgroups: grid1d(rows, 1),
    label,
  });
  return out;
}

/** Row maxima and the first column attaining each (ties → lowest index). */
function runRowMax(
  engine: Engine,
  x: Tensor,
  { rows, width, outShape }: RowLayout,
  label: string,
): { values: Tensor; indices: Tensor } {
  const values = engine.empty(outShape, 'f32', label);
  const indices = engine.empty(outShape, 'i32', `${label}.index`);
  engine.run({
    shader: 'reduce',
    entry: 'max_rows_main',
    overrides: { WG: rowWorkgroupSize(engine, width) },
    uniforms: { rows, width, scale: 0 },
    bindings: { max_x: x, max_out: values, max_index: indices },
    workgroups: grid1d(rows, 1),
    label,
  });
  return { values, indices };
}

type SumSaved = { layout: RowLayout; inputShape: Shape; scale: number };

/** Sum (or mean, when `mean`) over each row of `layoutOf(x.shape)`; the gradient is broadcast back. */
function rowSumOp(
  name: string,
  layoutOf: (shape: Shape, what: string) => RowLayout,
  mean: boolean,
): Op<[Tensor], SumSaved> {
  return {
    name,
    forward(engine, x) {
      const layout = layoutOf(x.shape, name);
      const scale = mean ? 1 / layout.width : 1;
      return { out: runRowSum(engine, x, layout, scale, name), saved: { layout, inputShape: x.shape, scale } };
    },
    backward(engine, g, { layout, inputShape, scale }) {
      const dx = engine.empty(inputShape, 'f32', `d${name}`);
      engine.run({
        shader: 'reduce',
        entry: 'broadcast_rows_main',
        uniforms: { rows: layout.rows, width: layout.width, scale },
        bindings: { broadcast_g: g, broadcast_dx: dx },
        workgroups: grid1d(dx.size),
        label: `${name}.backward`,
      });
      return [dx];
    },
  };
}

type MaxSaved = { layout: RowLayout; inputShape: Shape; indices: Tensor };

const maxRowsOp: Op<[Tensor], MaxSaved> = {
  name: 'maxRows',
  forward(engine, x) {
    const layout = lastAxisLayout(x.shape, 'maxRows');
    const { values, indices } = runRowMax(engine, x, layout, 'maxRows');
    return { out: values, saved: { layout, inputShape: x.shape, indices } };
  },
  backward(engine, g, { layout, inputShape, indices }) {
    const dx = engine.empty(inputShape, 'f32', 'dmaxRows');
    engine.run({
      shader: 'reduce',
      entry: 'route_max_main',
      uniforms: { rows: layout.rows, width: layout.width, scale: 0 },
      bindings: { route_g: g, route_index: indices, route_dx: dx },
      workgroups: grid1d(dx.size),
      label: 'maxRows.backward',
    });
    return [dx];
  },
};

type LseSaved = { x: Tensor; skip: Tensor | undefined; out: Tensor; rows: number; width: number };

const lseUniforms = (skip: Tensor | undefined, rows: number, width: number) => ({ rows, width, masked: skip ? 1 : 0 });

const logSumExpRowsOp: Op<[Tensor, Tensor | undefined], LseSaved> = {
  name: 'logSumExpRows',
  forward(engine, x, skip) {
    const { rows, width, outShape } = lastAxisLayout(x.shape, 'logSumExpRows');
    if (skip && (skip.dtype !== 'i32' || skip.size !== rows))
      throw new Error(`logSumExpRows needs an i32 skip list of ${rows} rows, got ${skip}`);
    const out = engine.empty(outShape, 'f32', 'logSumExpRows');
    engine.run({
      shader: 'reduce',
      entry: 'lse_rows_main',
      overrides: { WG: rowWorkgroupSize(engine, width) },
      uniforms: lseUniforms(skip, rows, width),
      bindings: { lse_x: x, lse_skip: skip, lse_out: out },
      workgroups: grid1d(rows, 1),
      label: 'logSumExpRows',
    });
    return { out, saved: { x, skip, out, rows, width } };
  },
  backward(engine, g, { x, skip, out, rows, width }) {
    const dx = engine.empty(x.shape, 'f32', 'dlogSumExpRows');
    engine.run({
      shader: 'reduce',
      entry: 'lse_backward_main',
      uniforms: lseUniforms(skip, rows, width),
      bindings: { lseb_x: x, lseb_skip: skip, lseb_out: out, lseb_g: g, lseb_dx: dx },
      workgroups: grid1d(dx.size),
      label: 'logSumExpRows.backward',
    });
    return [dx, undefined];
  },
};

export const reduceOps = {
  sumRows: rowSumOp('sumRows', lastAxisLayout, false),
  meanRows: rowSumOp('meanRows', lastAxisLayout, true),
  sumAll: rowSumOp('sumAll', wholeTensorLayout, false),
  maxRows: maxRowsOp,
  logSumExpRows: logSumExpRowsOp,
};

/** Σ over the last axis: [..., w] → [...]. */
export const sumRows = (x: Tensor) => apply(reduceOps.sumRows, x);
/** Mean over the last axis: [..., w] → [...]. */
export const meanRows = (x: Tensor) => apply(reduceOps.meanRows, x);
/** Σ of every element → [1], e.g. a scalar loss from per-token losses. */
export const sumAll = (x: Tensor) => apply(reduceOps.sumAll, x);
/** Max over the last axis; the gradient goes to the first maximal element of each row. */
export const maxRows = (x: Tensor) => apply(reduceOps.maxRows, x);

/**
 * log Σ exp over the last axis, computed stably; its gradient is the row softmax. Rows whose
 * `skip` entry (i32, one per row, e.g. target ids) is negative give 0 and no gradient.
 */
export const logSumExpRows = (x: Tensor, skip?: Tensor) => apply(reduceOps.logSumExpRows, x, skip);

/** Index of the first maximum over the last axis, i32 [...] (decoding, accuracy). Not differentiable. */
export function argmaxRows(x: Tensor): Tensor {
  const { values, indices } = runRowMax(x.engine, x, lastAxisLayout(x.shape, 'argmaxRows'), 'argmaxRows');
  values.release();
  return indices;
}
