import { shaderSource } from '#shader-sources';
import { ShaderInterface, type EntryInterface } from './shaderInterface';

export interface PipelineKey {
  shader: string;
  entry?: string;
  /** Pipeline-overridable constants (`override` in WGSL), e.g. workgroup sizes. */
  overrides?: Record<string, number>;
  /** Full WGSL text for kernels generated in TypeScript (e.g. fully unrolled register blocks). */
  source?: string;
}

export interface Kernel {
  pipeline: GPUComputePipeline;
  /** What a call must bind, read from the WGSL the pipeline was compiled from. */
  entry: EntryInterface;
}

export interface CompileRecord {
  key: string;
  ms: number;
}

/** Compiles each (shader, entry, overrides, source) once; shader JIT can take seconds on SwiftShader. */
export class PipelineCache {
  private kernels = new Map<string, Kernel>();
  /** Compiles started by `compileInBackground` that have not landed yet, and those that failed. */
  private pending = new Set<string>();
  private failed = new Set<string>();
  /** While set, background compiles wait here instead of starting (`holdBackground`). */
  private held: Map<string, PipelineKey> | undefined;
  /** Parsed once per source text, shared by its entry points and override variants. */
  private interfaces = new Map<string, ShaderInterface>();
  readonly compiles: CompileRecord[] = [];

  constructor(private device: GPUDevice) {}

  get(key: PipelineKey): Kernel {
    const id = idOf(key);
    let kernel = this.kernels.get(id);
    if (!kernel) {
      const started = performance.now();
      const { entry, descriptor } = this.describe(key);
      kernel = { pipeline: this.device.createComputePipeline(descriptor), entry };
      this.compiles.push({ key: id, ms: performance.now() - started });
      this.kernels.set(id, kernel);
    }
    return kernel;
  }

  /**
   * Whether `get` may be called for `key` without a wait: it is compiled — or its background compile
   * failed, and `get` (compiling again, synchronously) reports why where the kernel is needed.
   */
  has(key: PipelineKey): boolean {
    const id = idOf(key);
    return this.kernels.has(id) || this.failed.has(id);
  }

  /**
   * Starts compiling `key` off the caller's path (createComputePipelineAsync: a browser compiles it on
   * another thread while the queue runs); `has` turns true once it has landed.
   */
  compileInBackground(key: PipelineKey): void {
    const id = idOf(key);
    if (this.kernels.has(id) || this.pending.has(id)) return;
    if (this.held) {
      this.held.set(id, key);
      return;
    }
    this.pending.add(id);
    const started = performance.now();
    const { entry, descriptor } = this.describe(key);
    this.device.createComputePipelineAsync(descriptor).then(
      (pipeline) => {
        this.pending.delete(id);
        if (this.kernels.has(id)) return;
        this.compiles.push({ key: id, ms: performance.now() - started });
        this.kernels.set(id, { pipeline, entry });
      },
      () => {
        this.pending.delete(id);
        this.failed.add(id);
      },
    );
  }

  /**
   * Queues background compiles until `releaseBackground`: on a machine with few cores they would
   * compete with the compiles and the work of the step that is waited for (the page's first one).
   */
  holdBackground(): void {
    this.held ??= new Map();
  }

  releaseBackground(): void {
    const queued = this.held;
    this.held = undefined;
    for (const key of queued?.values() ?? []) this.compileInBackground(key);
  }

  private describe(key: PipelineKey): { entry: EntryInterface; descriptor: GPUComputePipelineDescriptor } {
    const code = key.source ?? shaderSource(key.shader);
    let parsed = this.interfaces.get(code);
    if (!parsed) this.interfaces.set(code, (parsed = new ShaderInterface(key.shader, code)));
    const entryPoint = key.entry ?? 'main';
    const module = this.device.createShaderModule({ code, label: key.shader });
    return {
      entry: parsed.entry(entryPoint),
      descriptor: {
        layout: 'auto',
        label: `${key.shader}:${entryPoint}`,
        compute: { module, entryPoint, constants: key.overrides ?? {} },
      },
    };
  }
}

const idOf = (key: PipelineKey) =>
  JSON.stringify([key.shader, key.entry ?? 'main', key.overrides ?? {}, key.source ?? '']);
