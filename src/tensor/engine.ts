import {
  BufferLedger,
  BufferPool,
  KernelTimer,
  PipelineCache,
  ReadbackRing,
  StepRecorder,
  SubmitSpans,
  UniformArena,
  deviceLimits,
  type DeviceLimits,
  type GpuContext,
  KernelArguments,
  boundBytes,
  type LedgerSnapshot,
  type PipelineKey,
  type UniformValues,
  type Workgroups,
} from '../gpu';
import type { TapeEntry } from './autograd';
import { backward } from './backward';
import { Tensor, describeShape, sizeOf, type DType, type HostArray, type Shape } from './tensor';
import { grid1d, isSoftwareAdapter } from './workgroups';

/**
 * One dispatch, its arguments named as the WGSL declares them: `bindings` by variable name (every
 * storage binding the entry point uses; an optional one may be left out), `uniforms` by member of its
 * uniform struct. A wrong, missing or mistyped name throws here, naming the kernel and the name.
 */
export interface KernelCall extends PipelineKey {
  bindings: Record<string, Tensor | GPUBuffer | undefined>;
  uniforms?: UniformValues;
  workgroups: Workgroups;
  label?: string;
  /** Floating-point operations, counted for the products (the recorder's traffic). */
  flops?: number;
}

export interface EngineOptions {
  /** Time every dispatch with timestamp queries (one compute pass per dispatch; slower). */
  timing?: boolean;
  /**
   * Compile kernels that take seconds to compile in the background, running a quick-to-compile
   * kernel that computes the same values until they land (matmulVariants.ts `chosenKernel`): the
   * page's first training step then waits for none of them. Off where speed is measured.
   */
  backgroundCompiles?: boolean;
}

/** Every GPU buffer an engine holds; `tensorBytes` of the storage are tensors' now, the rest waits in the pool. */
export interface EngineMemory extends LedgerSnapshot {
  tensorBytes: number;
}

const hostArrayOf = { f32: Float32Array, i32: Int32Array, u32: Uint32Array } as const;

function toHost(data: ArrayLike<number>, dtype: DType): HostArray {
  const ArrayType = hostArrayOf[dtype];
  return data instanceof ArrayType ? data : ArrayType.from(data);
}

/**
 * Owns the GPU-side machinery for one device: pool, pipelines, the current step's recorder,
 * readbacks, the autograd tape and tensor scopes. Everything recorded until `flush` is one submit.
 */
export class Engine {
  /** The adapter's limits, which the pool and the recorder enforce before any GPU call. */
  readonly limits: DeviceLimits;
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  readonly recorder: StepRecorder;
  readonly readback: ReadbackRing;
  private buffers: BufferLedger;
  private uniforms: UniformArena;
  private kernelArguments: KernelArguments;
  tape: TapeEntry[] = [];
  /**
   * Row kernels (reductions, softmax, layer norm, the embedding losses) use few invocations per
   * workgroup on a CPU-emulated adapter: SwiftShader runs a workgroup as coroutines that switch at
   * every barrier, so few invocations per row (rowWorkgroupSize) ran a 1024×1000 softmax 20× faster
   * than 256 did.
   * Real GPUs want wide workgroups. Tests flip this to cover both paths on one adapter.
   */
  smallWorkgroups: boolean;
  readonly backgroundCompiles: boolean;
  /** minStorageBufferOffsetAlignment: where in a shared buffer a slice may start, in bytes. */
  readonly bindingAlignment: number;
  private gradientsOff = 0;
  private phase: string | undefined;
  private scopes: Set<Tensor>[] = [];
  /** Live tensors per buffer, for buffers shared by views (≥ 2); absent means one owner. */
  private bufferHolders = new Map<GPUBuffer, number>();

  constructor(
    readonly gpu: GpuContext,
    options: EngineOptions = {},
  ) {
    const { device, adapter } = gpu;
    this.limits = deviceLimits(adapter);
    this.buffers = new BufferLedger(device);
    this.pool = new BufferPool(this.buffers, this.limits);
    this.pipelines = new PipelineCache(device);
    this.backgroundCompiles = options.backgroundCompiles ?? false;
    this.uniforms = new UniformArena(this.buffers, adapter.limits.minUniformBufferOffsetAlignment!);
    this.kernelArguments = new KernelArguments(this.buffers, this.uniforms);
    const timer = options.timing && gpu.hasTimestamps ? new KernelTimer(this.buffers) : undefined;
    const spans = gpu.hasTimestamps ? new SubmitSpans(this.buffers) : undefined;
    this.recorder = new StepRecorder(
      device,
      this.uniforms,
      this.limits.maxComputeWorkgroupsPerDimension,
      () => this.pool.recycle(),
      timer,
      spans,
    );
    this.readback = new ReadbackRing(this.buffers);
    this.smallWorkgroups = isSoftwareAdapter(adapter);
    this.bindingAlignment = adapter.limits.minStorageBufferOffsetAlignment ?? 256;
  }

  get device(): GPUDevice {
    return this.gpu.device;
  }

  // ---- tensors -------------------------------------------------------------------------------

  private track(tensor: Tensor): Tensor {
    this.scopes.at(-1)?.add(tensor);
    return tensor;
  }

  /** An uninitialised tensor for a kernel to write. */
  empty(shape: Shape, dtype: DType = 'f32', label = 'tensor'): Tensor {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0)
        throw new Error(`Tensor '${label}' has an invalid shape ${describeShape(shape)}`);
    }
    const buffer = this.pool.acquire(Math.max(4, sizeOf(shape) * 4), `${label} ${dtype}${describeShape(shape)}`);
    return this.track(new Tensor(this, buffer, shape, dtype, false, label));
  }

  /** Uploads host data. The buffer is fresh or recycled after a submit, so the write cannot race. */
  tensor(data: ArrayLike<number>, shape: Shape, dtype: DType = 'f32', label = 'tensor'): Tensor {
    if (data.length !== sizeOf(shape)) {
      throw new Error(`Tensor '${label}': ${data.length} values do not fill shape ${describeShape(shape)}`);
    }
    const t = this.empty(shape, dtype, label);
    const host = toHost(data, dtype);
    if (host.byteLength > 0) this.device.queue.writeBuffer(t.buffer, 0, host.buffer, host.byteOffset, host.byteLength);
    return t;
  }

  /** A trainable tensor: never released by a scope, always collects a gradient. */
  parameter(data: ArrayLike<number>, shape: Shape, label: string): Tensor {
    const t = this.outsideScopes(() => this.tensor(data, shape, 'f32', label));
    t.requiresGrad = true;
    return t;
  }

  fill(shape: Shape, value: number, label = 'fill'): Tensor {
    const t = this.empty(shape, 'f32', label);
    this.run({
      shader: 'elementwise',
      entry: 'fill_main',
      uniforms: { n: t.size, alpha: value },
      bindings: { fill_y: t },
      workgroups: grid1d(t.size),
      label,
    });
    return t;
  }

  /**
   * A tensor of another shape over `base`'s buffer (a zero-copy reshape). The buffer goes back to
   * the pool only when the base and every view of it are released, whatever the order.
   */
  view(base: Tensor, shape: Shape, label = 'view'): Tensor {
    if (sizeOf(shape) !== base.size) {
      throw new Error(
        `Cannot view ${base} (${base.size} elements) as ${describeShape(shape)} (${sizeOf(shape)} elements)`,
      );
    }
    return this.slice(base, 0, shape, label);
  }

  /**
   * A tensor of `shape` over `base`'s values from element `start` on, without a copy (released as a
   * view is). `start` must keep the slice at a storage-binding boundary (`bindingAlignment` bytes).
   */
  slice(base: Tensor, start: number, shape: Shape, label = 'slice'): Tensor {
    if (base.released) throw new Error(`Cannot view released ${base}`);
    const offset = base.offset + start * 4;
    if (start < 0 || start + sizeOf(shape) > base.size || offset % this.bindingAlignment !== 0) {
      throw new Error(
        `Cannot slice ${describeShape(shape)} from element ${start} of ${base}: out of range or not at a ${this.bindingAlignment}-byte boundary`,
      );
    }
    this.hold(base.buffer);
    return this.track(new Tensor(this, base.buffer, shape, base.dtype, false, label, offset));
  }

  /**
   * Moves `tensors` into one new buffer, tensor i at element `starts[i]` (binding-aligned), and
   * returns that buffer as one [floats] tensor; each moved tensor keeps its identity (modules and
   * the optimizer hold it), now as a slice. A kernel can then update them all in one dispatch.
   */
  pack(tensors: readonly Tensor[], starts: readonly number[], floats: number, label: string): Tensor {
    const packed = this.outsideScopes(() => this.empty([floats], 'f32', label));
    this.recorder.clearBuffer(packed.buffer, 0, packed.bytes);
    tensors.forEach((t, i) => {
      const offset = starts[i]! * 4;
      if (t.dtype !== 'f32' || offset % this.bindingAlignment !== 0 || starts[i]! + t.size > floats)
        throw new Error(`Cannot pack ${t} at element ${starts[i]} of ${floats}`);
      this.recorder.copyBuffer(t.buffer, t.offset, packed.buffer, offset, t.bytes);
      this.releaseBuffer(t.buffer);
      this.hold(packed.buffer);
      t.buffer = packed.buffer;
      t.offset = offset;
    });
    return packed;
  }

  private hold(buffer: GPUBuffer): void {
    this.bufferHolders.set(buffer, (this.bufferHolders.get(buffer) ?? 1) + 1);
  }

  releaseBuffer(buffer: GPUBuffer): void {
    const holders = this.bufferHolders.get(buffer);
    if (holders === undefined) this.pool.release(buffer);
    else if (holders > 2) this.bufferHolders.set(buffer, holders - 1);
    else this.bufferHolders.delete(buffer);
  }

  // ---- scopes and steps ------------------------------------------------------------------------

  private outsideScopes<T>(fn: () => T): T {
    const saved = this.scopes;
    this.scopes = [];
    try {
      return fn();
    } finally {
      this.scopes = saved;
    }
  }

  /** Releases every tensor created inside `fn` except those it returns (bare, in an array or object). */
  tidy<T>(fn: () => T): T {
    const scope = new Set<Tensor>();
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } finally {
      this.scopes.pop();
    }
    const kept = new Set<Tensor>();
    collectTensors(result, kept);
    for (const t of scope) {
      if (kept.has(t)) this.scopes.at(-1)?.add(t);
      else t.release();
    }
    // With nothing recorded since the last submit, no pending command can read what was just
    // released: it may serve the next allocation at once. (An evaluation ends this way; otherwise the
    // step after it would allocate a second working set beside the one waiting for a submit.)
    if (this.recorder.isEmpty) this.pool.recycle();
    // Forward passes outside a training step (decoding, evaluation of a model with parameters)
    // still record on the tape. When the outermost scope closes, entries whose output is gone can
    // never receive a gradient. (Inside a step, a released tensor's buffer stays intact until the
    // submit, so an inner scope may release intermediates that backward still reads.)
    if (this.scopes.length === 0 && this.tape.length > 0)
      this.tape = this.tape.filter((entry) => !entry.output.released);
    return result;
  }

  /** Removes a tensor from the current scope so it outlives it. */
  keep<T extends Tensor>(t: T): T {
    for (const scope of this.scopes) scope.delete(t);
    return t;
  }

  /** One training step: record everything `fn` does, release its temporaries, submit once. */
  step<T>(fn: () => T): T {
    const result = this.tidy(fn);
    this.tape = [];
    this.flush();
    return result;
  }

  flush(): void {
    this.recorder.submit();
  }

  // ---- autograd ------------------------------------------------------------------------------

  get recordingGradients(): boolean {
    return this.gradientsOff === 0;
  }

  withoutGradients<T>(fn: () => T): T {
    this.gradientsOff++;
    try {
      return fn();
    } finally {
      this.gradientsOff--;
    }
  }

  backward(loss: Tensor, seed?: Tensor): void {
    backward(this, loss, seed);
  }

  // ---- kernels and reads ---------------------------------------------------------------------

  run(call: KernelCall): void {
    const { pipeline, entry } = this.pipelines.get(call);
    const entries = this.kernelArguments.entries(entry, call.bindings, call.uniforms);
    const label = call.label ?? entry.kernel;
    const cost = { ...boundBytes(entry, call.bindings), flops: call.flops ?? 0 };
    this.recorder.dispatch(pipeline, entries, call.workgroups, this.phase ? `${this.phase}|${label}` : label, cost);
  }

  /**
   * Runs `fn` with its dispatches labelled `phase|…`, so per-kernel timings (EngineOptions.timing)
   * can be summed by phase: forward, backward, optimizer.
   */
  inPhase<T>(phase: string, fn: () => T): T {
    const outer = this.phase;
    this.phase = phase;
    try {
      return fn();
    } finally {
      this.phase = outer;
    }
  }

  /** Schedules a copy to the CPU that settles after the current step's submit, without waiting now. */
  readLater(t: Tensor): Promise<HostArray> {
    const ArrayType = hostArrayOf[t.dtype];
    return this.readback
      .read(this.recorder, t.buffer, t.offset, t.bytes)
      .then((data): HostArray => new ArrayType(data));
  }

  /**
   * Overwrites a tensor's values from the host now, ahead of any work still being recorded (queue
   * order): callers restoring state flush first.
   */
  write(t: Tensor, data: HostArray, first = 0): void {
    if (data.length - first < t.size) throw new Error(`${data.length - first} values cannot fill ${t}`);
    this.device.queue.writeBuffer(t.buffer, t.offset, data.buffer, data.byteOffset + first * 4, t.bytes);
  }

  /** Reads a tensor now; throws the first GPU error (invalid shader, out of memory …) raised meanwhile. */
  async read(t: Tensor): Promise<HostArray> {
    const pending = this.readLater(t);
    this.flush();
    const data = await pending;
    const [error] = this.gpu.takeErrors();
    if (error) throw error;
    return data;
  }

  /** What to watch for a leak: over a steady run, no count here may keep rising. */
  memory(): EngineMemory {
    return { ...this.buffers.snapshot(), tensorBytes: this.pool.stats.inUseBytes };
  }

  destroy(): void {
    this.recorder.destroy();
    this.readback.destroy();
    this.pool.trim();
    this.uniforms.destroy();
    this.kernelArguments.destroy();
  }
}

function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, into);
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, into);
  }
}
