import { shaderSource } from '#shader-sources';

/** Values spliced into `const NAME ... = value;` declarations of a WGSL file (array sizes, unroll counts). */
export type ShaderConstants = Record<string, number | string>;

/**
 * Rewrites the value of top-level `const` declarations. The .wgsl file stays valid on its own with
 * its default values; a variant only changes numbers that must be compile-time constants
 * (WGSL allows `override` for workgroup sizes but not for function-scope array lengths).
 */
export function specialize(source: string, constants: ShaderConstants): string {
  let text = source;
  for (const [name, value] of Object.entries(constants)) {
    const declaration = new RegExp(`(^|\\n)(const\\s+${name}\\s*(?::\\s*[\\w<>]+)?\\s*=\\s*)[^;]+;`);
    if (!declaration.test(text)) throw new Error(`Shader has no top-level 'const ${name}' to specialize`);
    text = text.replace(declaration, `$1$2${value};`);
  }
  return text;
}

export interface PipelineKey {
  shader: string;
  entry?: string;
  constants?: ShaderConstants;
  /** Pipeline-overridable constants (`override` in WGSL), e.g. workgroup sizes. */
  overrides?: Record<string, number>;
  /** Full WGSL text for kernels generated in TypeScript (e.g. fully unrolled register blocks). */
  source?: string;
}

export interface CompileRecord {
  key: string;
  ms: number;
}

/** Compiles each (shader, entry, constants) once; shader JIT can take seconds on SwiftShader. */
export class PipelineCache {
  private pipelines = new Map<string, GPUComputePipeline>();
  readonly compiles: CompileRecord[] = [];

  constructor(private device: GPUDevice) {}

  get(key: PipelineKey): GPUComputePipeline {
    const id = JSON.stringify([
      key.shader,
      key.entry ?? 'main',
      key.constants ?? {},
      key.overrides ?? {},
      key.source ?? '',
    ]);
    let pipeline = this.pipelines.get(id);
    if (!pipeline) {
      const started = performance.now();
      const code = key.source ?? specialize(shaderSource(key.shader), key.constants ?? {});
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
