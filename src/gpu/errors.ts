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
    return new GpuError(
      'out-of-memory',
      `The GPU ran out of memory during ${during}. Try a smaller preset, batch or vocabulary.`,
    );
  }
  const kind =
    typeof GPUValidationError !== 'undefined' && error instanceof GPUValidationError ? 'validation' : 'internal';
  return new GpuError(kind, `GPU ${kind} error during ${during}: ${error.message}`);
}

/**
 * What to lower when a size is beyond the GPU and nothing closer is known: the settings that size a
 * training run's tensors. The pre-flight check (src/experiments/limits.ts) names the exact ones.
 */
export const lowerSizesHint =
  'Lower train.batchSentences, data.maxLength, data.targetVocab or model.dModel, or choose a smaller preset.';

/** Binary units, so a limit of 2^30 bytes reads "1.0 GiB" as adapters document it. */
function formatSize(bytes: number): string {
  const [value, unit] =
    bytes >= 2 ** 30
      ? [bytes / 2 ** 30, 'GiB']
      : bytes >= 2 ** 20
        ? [bytes / 2 ** 20, 'MiB']
        : [bytes / 2 ** 10, 'KiB'];
  return `${value.toFixed(1)} ${unit}`;
}

/** "<what> needs 2.0 GiB, above this GPU's maxBufferSize of 1.0 GiB. <hint>" */
export function limitMessage(what: string, bytes: number, limitName: string, limit: number, hint: string): string {
  return `${what} needs ${formatSize(bytes)}, above this GPU's ${limitName} of ${formatSize(limit)}. ${hint}`;
}

export function limitError(what: string, bytes: number, limitName: string, limit: number, hint: string): GpuError {
  return new GpuError('limit', limitMessage(what, bytes, limitName, limit, hint));
}

/**
 * "<what>: 1×1×70000 workgroups, above this GPU's maxComputeWorkgroupsPerDimension of 65535 (per dimension). <hint>"
 */
export function workgroupLimitMessage(
  what: string,
  workgroups: readonly number[],
  limit: number,
  hint: string,
): string {
  return `${what}: ${workgroups.join('×')} workgroups, above this GPU's maxComputeWorkgroupsPerDimension of ${limit} (per dimension). ${hint}`;
}
