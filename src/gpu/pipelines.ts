import { shaderSource } from '#shader-sources';

export interface PipelineKey {
  shader: string;
  entry?: string;
  /** Pipeline-overridable constants (`override` in WGSL), e.g. workgroup sizes. */
  overrides?: Record<string, number>;
  /** Full WGSL text for kernels generated in TypeScript (e.g. fully unrolled register blocks). */
  source?: string;
}

export interface CompileRecord {
  key: string;
  ms: number;
}

/** Compiles each (shader, entry, overrides, source) once; shader JIT can take seconds on SwiftShader. */
export class PipelineCache {
  private pipelines = new Map<string, GPUComputePipeline>();
  readonly compiles: CompileRecord[] = [];

  constructor(private device: GPUDevice) {}

  get(key: PipelineKey): GPUComputePipeline {
    const id = JSON.stringify([key.shader, key.entry ?? 'main', key.overrides ?? {}, key.source ?? '']);
    let pipeline = this.pipelines.get(id);
    if (!pipeline) {
      const started = performance.now();
      const code = key.source ?? shaderSource(key.shader);
      const module = this.device.createShaderModule({ code, label: key.shader });
      pipeline = this.device.createComputePipeline({
        layout: 'auto',
        label: `${key.shader}:${key.entry ?? 'main'}`,
        compute: { module, entryPoint: key.entry ?? 'main', constants: key.overrides ?? {} },
      });
      this.compiles.push({ key: id, ms: performance.now() - started });
      this.pipelines.set(id, pipeline);
    }
    return pipeline;
  }
}
