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
  /** Parsed once per source text, shared by its entry points and override variants. */
  private interfaces = new Map<string, ShaderInterface>();
  readonly compiles: CompileRecord[] = [];

  constructor(private device: GPUDevice) {}

  get(key: PipelineKey): Kernel {
    const id = JSON.stringify([key.shader, key.entry ?? 'main', key.overrides ?? {}, key.source ?? '']);
    let kernel = this.kernels.get(id);
    if (!kernel) {
      const started = performance.now();
      const code = key.source ?? shaderSource(key.shader);
      let parsed = this.interfaces.get(code);
      if (!parsed) this.interfaces.set(code, (parsed = new ShaderInterface(key.shader, code)));
      const entry = parsed.entry(key.entry ?? 'main');
      const module = this.device.createShaderModule({ code, label: key.shader });
      const pipeline = this.device.createComputePipeline({
        layout: 'auto',
        label: `${key.shader}:${key.entry ?? 'main'}`,
        compute: { module, entryPoint: key.entry ?? 'main', constants: key.overrides ?? {} },
      });
      this.compiles.push({ key: id, ms: performance.now() - started });
      kernel = { pipeline, entry };
      this.kernels.set(id, kernel);
    }
    return kernel;
  }
}
