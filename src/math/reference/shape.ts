// Float64 references of the shape ops (shaders/shape.wgsl): row-major arrays with explicit shapes.

export interface Strided {
  data: ArrayLike<number>;
  shape: readonly number[];
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** out[i_0, …] = x[i_axes[0], …]: output dim k is input dim axes[k]. */
export function permuteReference(
  { data, shape }: Strided,
  axes: readonly number[],
): { data: Float64Array; shape: number[] } {
  const outShape = axes.map((a) => shape[a]!);
  const out = new Float64Array(data.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < data.length; i++) {
    // Input index of output element i, then its row-major offset.
    let rest = i;
    for (let k = axes.length - 1; k >= 0; k--) {
      index[axes[k]!] = rest % outShape[k]!;
      rest = Math.floor(rest / outShape[k]!);
    }
    let offset = 0;
    for (let k = 0; k < shape.length; k++) offset = offset * shape[k]! + index[k]!;
    out[i] = data[offset]!;
  }
  return { data: out, shape: outShape };
}

/** Parts joined along `axis`; each is viewed as [outer, its length, inner]. */
export function concatReference(parts: readonly Strided[], axis: number): { data: Float64Array; shape: number[] } {
  const first = parts[0]!.shape;
  const outer = product(first.slice(0, axis));
  const inner = product(first.slice(axis + 1));
  const total = parts.reduce((sum, p) => sum + p.shape[axis]!, 0);
  const out = new Float64Array(outer * total * inner);
  let start = 0;
  for (const { data, shape } of parts) {
    const length = shape[axis]!;
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < length * inner; k++) out[(o * total + start) * inner + k] = data[o * length * inner + k]!;
    }
    start += length;
  }
  return { data: out, shape: first.map((d, i) => (i === axis ? total : d)) };
}

/** Indices [start, start + length) of `axis`. */
export function sliceReference(
  { data, shape }: Strided,
  axis: number,
  start: number,
  length: number,
): { data: Float64Array; shape: number[] } {
  const outer = product(shape.slice(0, axis));
  const inner = product(shape.slice(axis + 1));
  const size = shape[axis]!;
  const out = new Float64Array(outer * length * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < length * inner; k++) out[o * length * inner + k] = data[(o * size + start) * inner + k]!;
  }
  return { data: out, shape: shape.map((d, i) => (i === axis ? length : d)) };
}
