// Shape ops: reshape (a zero-copy view) and permute, slice, concat (one strided-copy kernel,
// shaders/shape.wgsl). Copies move raw 32-bit words, so any dtype works; gradients are f32.
import { shaderConstant } from '../../gpu';
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import { describeShape, sizeOf, type Shape, type Tensor } from '../tensor';
import { grid1d } from '../workgroups';
import { contiguousStrides } from './elementwise';

const maxRank = 4;

interface Region {
  shape: readonly number[];
  srcOffset: number;
  srcStrides: readonly number[];
  dstOffset: number;
  dstStrides: readonly number[];
}

/** Left-pads to rank 4: a size-1 dim with stride 0 adds nothing to an offset. */
const pad = (values: readonly number[], fill: number) => [
  ...Array<number>(maxRank - values.length).fill(fill),
  ...values,
];

/** Elements along the last dim one invocation copies. */
const copyRun = shaderConstant('shape', 'RUN');

function copyRegion(engine: Engine, src: Tensor, dst: Tensor, r: Region, label: string): void {
  const n = sizeOf(r.shape);
  if (n === 0) return;
  const last = r.shape.at(-1) ?? 1;
  const runsPerRow = Math.ceil(last / copyRun);
  const runs = (n / last) * runsPerRow;
  engine.run({
    shader: 'shape',
    entry: 'copy_main',
    uniforms: {
      runs,
      src_offset: r.srcOffset,
      dst_offset: r.dstOffset,
      runs_per_row: runsPerRow,
      shape: pad(r.shape, 1),
      src_strides: pad(r.srcStrides, 0),
      dst_strides: pad(r.dstStrides, 0),
    },
    bindings: { src, dst },
    workgroups: grid1d(runs),
    label,
  });
}

function checkAxis(op: string, shape: Shape, axis: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
    throw new Error(`${op}: axis ${axis} is out of range for shape ${describeShape(shape)}`);
  }
}

function checkRank(op: string, shape: Shape): void {
  if (shape.length > maxRank) throw new Error(`${op} supports rank ≤ ${maxRank}, got ${describeShape(shape)}`);
}

/** x's window [start, start + length) along `axis`, as a new contiguous tensor. */
function readWindow(engine: Engine, x: Tensor, axis: number, start: number, length: number): Tensor {
  const shape = x.shape.map((d, i) => (i === axis ? length : d));
  const out = engine.empty(shape, x.dtype, 'slice');
  const strides = contiguousStrides(x.shape);
  copyRegion(
    engine,
    x,
    out,
    {
      shape,
      srcOffset: start * strides[axis]!,
      srcStrides: strides,
      dstOffset: 0,
      dstStrides: contiguousStrides(shape),
    },
    'slice',
  );
  return out;
}

/** Writes `block` into `into`'s window starting at `start` along `axis`. */
function writeWindow(engine: Engine, block: Tensor, into: Tensor, axis: number, start: number, label: string): void {
  const strides = contiguousStrides(into.shape);
  copyRegion(
    engine,
    block,
    into,
    {
      shape: block.shape,
      srcOffset: 0,
      srcStrides: contiguousStrides(block.shape),
      dstOffset: start * strides[axis]!,
      dstStrides: strides,
    },
    label,
  );
}

function permuted(engine: Engine, x: Tensor, axes: readonly number[]): Tensor {
  const shape = axes.map((a) => x.shape[a]!);
  const out = engine.empty(shape, x.dtype, 'permute');
  const strides = contiguousStrides(x.shape);
  copyRegion(
    engine,
    x,
    out,
    {
      shape,
      srcOffset: 0,
      srcStrides: axes.map((a) => strides[a]!),
      dstOffset: 0,
      dstStrides: contiguousStrides(shape),
    },
    'permute',
  );
  return out;
}

const reshapeOp: Op<[Tensor, Shape], Shape> = {
  name: 'reshape',
  forward(engine, x, shape) {
    if (shape.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(shape) !== x.size) {
      throw new Error(`reshape: cannot view ${describeShape(x.shape)} (${x.size} elements) as ${describeShape(shape)}`);
    }
    return { out: engine.view(x, [...shape], 'reshape'), saved: x.shape };
  },
  backward(engine, g, inShape) {
    return [engine.view(g, inShape, 'reshape.backward')];
  },
};

const permuteOp: Op<[Tensor, readonly number[]], readonly number[]> = {
  name: 'permute',
  forward(engine, x, axes) {
    checkRank('permute', x.shape);
    const isPermutation = axes.length === x.rank && [...axes].sort((a, b) => a - b).every((a, i) => a === i);
    if (!isPermutation)
      throw new Error(
        `permute: axes [${axes.join(', ')}] are not a permutation of the axes of ${describeShape(x.shape)}`,
      );
    return { out: permuted(engine, x, axes), saved: axes };
  },
  backward(engine, g, axes) {
    const inverse = new Array<number>(axes.length);
    axes.forEach((a, i) => (inverse[a] = i));
    return [permuted(engine, g, inverse)];
  },
};

type SliceSaved = { shape: Shape; axis: number; start: number };

const sliceOp: Op<[Tensor, number, number, number], SliceSaved> = {
  name: 'slice',
  forward(engine, x, axis, start, length) {
    checkRank('slice', x.shape);
    checkAxis('slice', x.shape, axis);
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(length) ||
      start < 0 ||
      length < 0 ||
      start + length > x.shape[axis]!
    ) {
      throw new Error(
        `slice: window [${start}, ${start + length}) does not fit axis ${axis} of ${describeShape(x.shape)}`,
      );
    }
    return { out: readWindow(engine, x, axis, start, length), saved: { shape: x.shape, axis, start } };
  },
  // The slice's gradient lands in its window; everything outside it gets zero.
  backward(engine, g, { shape, axis, start }) {
    const dx = engine.fill(shape, 0, 'slice.backward');
    writeWindow(engine, g, dx, axis, start, 'slice.backward');
    return [dx];
  },
};

type ConcatSaved = { axis: number; starts: number[]; lengths: number[] };

// The axis comes first so that the parts can be spread: `apply` finds the Tensor arguments itself.
const concatOp: Op<[number, ...Tensor[]], ConcatSaved> = {
  name: 'concat',
  forward(engine, axis, ...parts) {
    const first = parts[0];
    if (!first) throw new Error('concat needs at least one tensor');
    checkRank('concat', first.shape);
    checkAxis('concat', first.shape, axis);
    const fits = (p: Tensor) =>
      p.dtype === first.dtype && p.rank === first.rank && p.shape.every((d, i) => i === axis || d === first.shape[i]);
    if (!parts.every(fits)) {
      throw new Error(
        `concat: shapes ${parts.map((p) => `${p.dtype}${describeShape(p.shape)}`).join(', ')} differ outside axis ${axis}`,
      );
    }
    const lengths = parts.map((p) => p.shape[axis]!);
    const starts: number[] = [];
    let total = 0;
    for (const length of lengths) {
      starts.push(total);
      total += length;
    }
    const out = engine.empty(
      first.shape.map((d, i) => (i === axis ? total : d)),
      first.dtype,
      'concat',
    );
    parts.forEach((p, i) => writeWindow(engine, p, out, axis, starts[i]!, 'concat'));
    return { out, saved: { axis, starts, lengths } };
  },
  backward(engine, g, { axis, starts, lengths }, needs) {
    return lengths.map((length, i) => (needs[i] ? readWindow(engine, g, axis, starts[i]!, length) : undefined));
  },
};

export const shapeOps = { reshape: reshapeOp, permute: permuteOp, slice: sliceOp, concat: concatOp };

/** x with another shape of the same element count: a view of x's buffer, no copy. */
export const reshape = (x: Tensor, shape: readonly number[]) => apply(reshapeOp, x, shape);

/** Output dim i is input dim axes[i], e.g. [B,T,H,dh] → [B,H,T,dh] with axes [0, 2, 1, 3]. Rank ≤ 4. */
export const permute = (x: Tensor, axes: readonly number[]) => apply(permuteOp, x, axes);

/** Indices [start, start + length) of `axis`. Rank ≤ 4. */
export const slice = (x: Tensor, axis: number, start: number, length: number) => apply(sliceOp, x, axis, start, length);

/** Joins tensors that agree on every dim but `axis`, in order. Rank ≤ 4. */
export const concat = (parts: readonly Tensor[], axis: number) => apply(concatOp, axis, ...parts);
