import { randomArray } from '../../math/random';
import { concatReference, permuteReference, sliceReference, type Strided } from '../../math/reference/shape';
import { concat, permute, reshape, slice } from '../../tensor/ops/shape';
import { describeShape, sizeOf, type Shape, type Tensor } from '../../tensor/tensor';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';

/** One shape op applied to inputs of given shapes, with float64 references of both directions. */
export interface ShapeCase {
  op: 'reshape' | 'permute' | 'slice' | 'concat';
  sizes: string;
  inputs: Shape[];
  apply(inputs: Tensor[]): Tensor;
  forward(inputs: Strided[]): Strided;
  /** Each input's gradient given the output's gradient dy. */
  backward(inputs: Strided[], dy: Strided): ArrayLike<number>[];
}

function permuteCase(shape: Shape, axes: number[]): ShapeCase {
  const inverse = axes.map((_, i) => axes.indexOf(i));
  return {
    op: 'permute',
    sizes: `${describeShape(shape)} axes [${axes.join(',')}]`,
    inputs: [shape],
    apply: ([x]) => permute(x!, axes),
    forward: ([x]) => permuteReference(x!, axes),
    backward: (_inputs, dy) => [permuteReference(dy, inverse).data],
  };
}

function sliceCase(shape: Shape, axis: number, start: number, length: number): ShapeCase {
  const zeros = (size: number) => ({
    data: new Float64Array((sizeOf(shape) / shape[axis]!) * size),
    shape: shape.map((d, i) => (i === axis ? size : d)),
  });
  return {
    op: 'slice',
    sizes: `${describeShape(shape)} axis ${axis} [${start}, ${start + length})`,
    inputs: [shape],
    apply: ([x]) => slice(x!, axis, start, length),
    forward: ([x]) => sliceReference(x!, axis, start, length),
    // The gradient is dy padded with zeros on both sides of the window.
    backward: (_inputs, dy) => [concatReference([zeros(start), dy, zeros(shape[axis]! - start - length)], axis).data],
  };
}

function concatCase(shapes: Shape[], axis: number): ShapeCase {
  return {
    op: 'concat',
    sizes: `${shapes.map(describeShape).join(' + ')} axis ${axis}`,
    inputs: shapes,
    apply: (parts) => concat(parts, axis),
    forward: (parts) => concatReference(parts, axis),
    backward: (_inputs, dy) => {
      let start = 0;
      return shapes.map((s) => {
        start += s[axis]!;
        return sliceReference(dy, axis, start - s[axis]!, s[axis]!).data;
      });
    },
  };
}

function reshapeCase(shape: Shape, to: Shape): ShapeCase {
  return {
    op: 'reshape',
    sizes: `${describeShape(shape)} → ${describeShape(to)}`,
    inputs: [shape],
    apply: ([x]) => reshape(x!, to),
    forward: ([x]) => ({ data: x!.data, shape: to }),
    backward: (_inputs, dy) => [dy.data],
  };
}

const inputsOf = (c: ShapeCase) =>
  c.inputs.map((shape, i) => ({ data: Float32Array.from(randomArray(sizeOf(shape), 31 + i)), shape }));

function forwardCheck(c: ShapeCase): KernelCheck {
  return {
    kernel: c.op,
    sizes: c.sizes,
    tolerance: 0,
    async run(engine) {
      const inputs = inputsOf(c);
      const actual = await engine.tidy(() => c.apply(inputs.map((x) => engine.tensor(x.data, x.shape)))).read();
      return { actual, reference: c.forward(inputs).data };
    },
  };
}

function backwardCheck(c: ShapeCase): KernelCheck {
  return {
    kernel: `${c.op} backward`,
    sizes: c.sizes,
    tolerance: 0,
    async run(engine) {
      const inputs = inputsOf(c);
      const outShape = c.forward(inputs).shape;
      const dy = { data: Float32Array.from(randomArray(sizeOf(outShape), 7)), shape: outShape };
      const grads = await engine.tidy(() => {
        const tensors = inputs.map((x) => engine.tensor(x.data, x.shape));
        for (const t of tensors) t.requiresGrad = true;
        engine.backward(c.apply(tensors), engine.tensor(dy.data, outShape));
        return Promise.all(tensors.map((t) => t.grad!.read()));
      });
      return { actual: grads.flatMap((g) => [...g]), reference: c.backward(inputs, dy).flatMap((g) => Array.from(g)) };
    },
  };
}

const shapeCases: ShapeCase[] = [
  reshapeCase([3, 17], [17, 3]),
  reshapeCase([2, 3, 4, 5], [6, 1, 20]),
  permuteCase([33], [0]),
  permuteCase([17, 3], [1, 0]),
  permuteCase([2, 3, 5], [2, 0, 1]),
  permuteCase([2, 5, 3, 4], [0, 2, 1, 3]),
  permuteCase([3, 1, 17, 2], [3, 1, 0, 2]),
  // Last dims past one copy run (16 elements), read along a stride or not: [B, T, H, dh] → [B, H, T, dh] as attention
  // does.
  permuteCase([2, 3, 2, 37], [0, 2, 1, 3]),
  permuteCase([37, 3, 2], [2, 1, 0]),
  sliceCase([17], 0, 0, 17),
  sliceCase([3, 17], 1, 5, 9),
  sliceCase([33, 3], 0, 32, 1),
  sliceCase([2, 3, 4, 5], 2, 1, 2),
  sliceCase([3, 40], 1, 3, 33),
  concatCase(
    [
      [3, 1],
      [3, 17],
      [3, 2],
    ],
    1,
  ),
  concatCase(
    [
      [2, 20],
      [2, 17],
    ],
    1,
  ),
  concatCase(
    [
      [2, 3, 4],
      [1, 3, 4],
    ],
    0,
  ),
  concatCase(
    [
      [2, 1, 3, 5],
      [2, 4, 3, 5],
    ],
    1,
  ),
  concatCase(
    [
      [3, 2, 5],
      [3, 2, 1],
      [3, 2, 0],
      [3, 2, 3],
    ],
    2,
  ),
];

/** One finite-difference check per op: their backward is a copy, so this mostly checks the wiring. */
const gradientCases = (['reshape', 'permute', 'slice', 'concat'] as const).map(
  (op) => shapeCases.filter((c) => c.op === op).at(-2)!,
);

export const shapeChecks: KernelCheck[] = [
  ...shapeCases.map(forwardCheck),
  ...shapeCases.map(backwardCheck),
  ...gradientCases.map((c) =>
    gradientCheck(c.op, c.sizes, inputsOf(c), () => ({ f: c.apply }), { differentiates: [c.op] }),
  ),
];
