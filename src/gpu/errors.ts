/** Every failure the GPU layer reports is one of these, so callers can pause a run with a message. */
export type GpuErrorKind = 'unavailable' | 'device-lost' | 'validation' | 'out-of-memory' | 'limit' | 'internal';

export class GpuError extends Error {
  constructor(
    readonly kind: GpuErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'GpuError';
  }
}

/** Where to get WebGPU: browsers, flags, and the software fallback. */
export const webGpuHowTo =
  'Use Chrome or Edge 113+ (desktop), Chrome 121+ on Android, or Safari 26+; ' +
  'Firefox 141+ on Windows. On Linux Chrome, enable chrome://flags/#enable-unsafe-webgpu and ' +
  'chrome://flags/#enable-vulkan. Without a GPU, Chromium runs WebGPU on SwiftShader with ' +
  '--enable-unsafe-webgpu --use-webgpu-adapter=swiftshader.';

export const webGpuMissingHelp = `WebGPU is not available. ${webGpuHowTo}`;

/** Turns a GPUError from an error scope or uncapturederror event into a typed, readable error. */
export function fromGpuError(error: GPUError, during: string): GpuError {
  const isOom = typeof GPUOutOfMemoryError !== 'undefined' && error instanceof GPUOutOfMemoryError;
  if (isOom) {
    return new GpuError('out-of-memory', `The GPU ran out of memory during ${during}. Try a smaller preset, batch or vocabulary.`);
  }
  const kind = typeof GPUValidationError !== 'undefined' && error instanceof GPUValidationError ? 'validation' : 'internal';
  return new GpuError(kind, `GPU ${kind} error during ${during}: ${error.message}`);
}

export function limitError(what: string, bytes: number, limitName: string, limit: number, hint: string): GpuError {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  return new GpuError(
    'limit',
    `${what} needs ${mib(bytes)}, above this GPU's ${limitName} of ${mib(limit)}. ${hint}`,
  );
}
