import type { Engine } from './engine';

export type DType = 'f32' | 'i32' | 'u32';
export type Shape = readonly number[];
export type HostArray = Float32Array | Int32Array | Uint32Array;

export function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function describeShape(shape: Shape): string {
  return `[${shape.join('×')}]`;
}

/**
 * A GPU array. Its buffer comes from the engine's pool; inside `engine.tidy`/`engine.step` it is
 * released when the scope ends unless returned or kept. Everything stays on the GPU until `read`.
 */
export class Tensor {
  private static counter = 0;
  readonly id = Tensor.counter++;
  /** Filled by `engine.backward` for leaves that require a gradient (parameters, test inputs). */
  grad: Tensor | undefined;
  released = false;

  constructor(
    readonly engine: Engine,
    /**
     * Where the values live: the tensor's own pooled buffer, or a shared one at `offset` (a view or a
     * slice). Changed only by `engine.pack`, which moves an optimizer's parameters into one buffer.
     */
    public buffer: GPUBuffer,
    readonly shape: Shape,
    readonly dtype: DType,
    public requiresGrad: boolean,
    readonly label: string,
    /** Byte offset of the first value in `buffer`: a multiple of the storage-binding alignment. */
    public offset = 0,
  ) {}

  get size(): number {
    return sizeOf(this.shape);
  }

  get bytes(): number {
    return this.size * 4;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Copies to the CPU; submits pending work first. For metrics use `engine.readLater`. */
  read(): Promise<HostArray> {
    return this.engine.read(this);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.engine.releaseBuffer(this.buffer);
  }

  toString(): string {
    return `Tensor(${this.label} ${this.dtype}${describeShape(this.shape)})`;
  }
}
