import { randomArray } from '../../math/random';
import { maxRows as maxRowsRef, sumRows as sumRowsRef } from '../../math/reference/reduce';
import { describeShape, type Shape } from '../../tensor/tensor';
import { argmaxRows, maxRows, meanRows, sumAll, sumRows } from '../../tensor/ops/reduce';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';

/** Row-reduction sizes: single element, odd widths, one row wider than 65535, a batched rank-3 tensor. */
const reduceShapes: Shape[] = [[1, 1], [3, 17], [17, 33], [65, 257], [2, 70000], [2, 3, 17], [5]];

function rowsAndWidth(shape: Shape): [number, number] {
  const width = shape.at(-1)!;
  return [shape.reduce((a, b) => a * b, 1) / width, width];
}

/** Values on a 0.25 grid in [-2, 2], so rows hold many ties for the max. */
function quantized(n: number, seed: number): Float32Array {
  return Float32Array.from(randomArray(n, seed, -2, 2), (v) => Math.round(4 * v) / 4);
}

function sumCheck(shape: Shape, mean: boolean): KernelCheck {
  const [rows, width] = rowsAndWidth(shape);
  return {
    kernel: mean ? 'meanRows' : 'sumRows',
    sizes: describeShape(shape),
    // A sum of `width` values in [-1, 1] is typically √width in size; errors below that count as absolute.
    floor: mean ? 1 / Math.sqrt(width) : Math.sqrt(width),
    tolerance: 1e-5,
    async run(engine) {
      const x = Float32Array.from(randomArray(rows * width, rows + width));
      const actual = await engine.tidy(() => (mean ? meanRows : sumRows)(engine.tensor(x, shape))).read();
      return { actual, reference: sumRowsRef(x, rows, width, mean ? 1 / width : 1) };
    },
  };
}

function maxCheck(shape: Shape): KernelCheck {
  const [rows, width] = rowsAndWidth(shape);
  return {
    kernel: 'maxRows + argmaxRows (ties)',
    sizes: describeShape(shape),
    tolerance: 0,
    async run(engine) {
      const x = quantized(rows * width, 3 * rows + width);
      const [values, indices] = await engine.tidy(() => {
        const t = engine.tensor(x, shape);
        return [maxRows(t), argmaxRows(t)];
      });
      const reference = maxRowsRef(x, rows, width);
      return {
        actual: [...(await values!.read()), ...(await indices!.read())],
        reference: [...reference.values, ...reference.indices],
      };
    },
  };
}

const maxBackwardCheck: KernelCheck = {
  kernel: 'maxRows backward (gradient to the first maximum)',
  sizes: '[17×33]',
  tolerance: 0,
  async run(engine) {
    const [rows, width] = [17, 33];
    const x = quantized(rows * width, 5);
    const g = Float32Array.from(randomArray(rows, 6));
    const dx = await engine
      .tidy(() => {
        const t = engine.tensor(x, [rows, width]);
        t.requiresGrad = true;
        engine.backward(maxRows(t), engine.tensor(g, [rows]));
        return t.grad!;
      })
      .read();
    const reference = new Float64Array(rows * width);
    maxRowsRef(x, rows, width).indices.forEach((c, r) => (reference[r * width + c] = g[r]!));
    return { actual: dx, reference };
  },
};

function sumAllCheck(shape: Shape): KernelCheck {
  const n = shape.reduce((a, b) => a * b, 1);
  return {
    kernel: 'sumAll',
    sizes: describeShape(shape),
    floor: Math.sqrt(n),
    tolerance: 1e-5,
    async run(engine) {
      const x = Float32Array.from(randomArray(n, n));
      const actual = await engine.tidy(() => sumAll(engine.tensor(x, shape))).read();
      return { actual, reference: sumRowsRef(x, 1, n) };
    },
  };
}

const gradientInput = Float32Array.from(randomArray(2 * 3 * 17, 31, -2, 2));

export const reduceChecks: KernelCheck[] = [
  ...reduceShapes.flatMap((shape) => [sumCheck(shape, false), sumCheck(shape, true), maxCheck(shape)]),
  maxBackwardCheck,
  sumAllCheck([1]),
  sumAllCheck([3, 17, 33]),
  sumAllCheck([65, 257]),
  ...Object.entries({ sumRows, meanRows, sumAll, maxRows }).map(([name, reduce]) =>
    gradientCheck(name, '[2×3×17]', [{ data: gradientInput, shape: [2, 3, 17] }], () => ({ f: ([x]) => reduce(x!) }), {
      differentiates: [name as 'sumRows' | 'meanRows' | 'sumAll' | 'maxRows'],
    }),
  ),
];
