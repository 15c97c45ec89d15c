import type { StorageLimits } from './bufferPool';
import { GpuError, fromGpuError, webGpuHowTo, webGpuMissingHelp } from './errors';

/** What the page and the self-test show about the adapter in use. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallback: boolean;
  features: string[];
  limits: Record<string, number>;
}

export interface GpuContext {
  device: GPUDevice;
  adapter: AdapterSummary;
  hasTimestamps: boolean;
  /** Resolves (never rejects) when the device is lost; a run watches it to pause cleanly. */
  lost: Promise<GpuError>;
  /** Errors the device raised outside any error scope, oldest first; `takeErrors` empties it. */
  takeErrors(): GpuError[];
  destroy(): void;
}

/** What names an adapter: its identity, without features and limits. */
export type AdapterIdentity = Pick<AdapterSummary, 'vendor' | 'architecture' | 'device' | 'description' | 'isFallback'>;

/** One line naming the adapter: printed by the CLI and stored in run records. */
export function adapterLine(adapter: AdapterIdentity): string {
  const name = [adapter.vendor, adapter.architecture, adapter.device || adapter.description]
    .filter(Boolean)
    .join(' / ');
  return `Adapter: ${name}${adapter.isFallback ? ' (fallback)' : ''}`;
}

/** The limits every tensor size and dispatch is checked against before the GPU sees it. */
export interface DeviceLimits extends StorageLimits {
  maxComputeWorkgroupsPerDimension: number;
}

export function deviceLimits(adapter: AdapterSummary): DeviceLimits {
  const { maxBufferSize, maxStorageBufferBindingSize, maxComputeWorkgroupsPerDimension } = adapter.limits;
  return {
    maxBufferSize: maxBufferSize!,
    maxStorageBufferBindingSize: maxStorageBufferBindingSize!,
    maxComputeWorkgroupsPerDimension: maxComputeWorkgroupsPerDimension!,
  };
}

/** Limits the engine needs at the adapter's maximum: big matrices and wide bindings. */
const wantedLimits = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
] as const;

const shownLimits = [...wantedLimits, 'minUniformBufferOffsetAlignment', 'minStorageBufferOffsetAlignment'] as const;

function summarise(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info;
  const limits: Record<string, number> = {};
  for (const name of shownLimits) limits[name] = Number(adapter.limits[name]);
  return {
    vendor: info?.vendor || 'unknown',
    architecture: info?.architecture || 'unknown',
    device: info?.device || '',
    description: info?.description || '',
    isFallback: Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter),
    features: [...adapter.features].map(String).sort(),
    limits,
  };
}

export async function acquireGpu(gpu: GPU | undefined, options: GPURequestAdapterOptions = {}): Promise<GpuContext> {
  if (!gpu) throw new GpuError('unavailable', webGpuMissingHelp);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', ...options });
  if (!adapter)
    throw new GpuError(
      'unavailable',
      `WebGPU is present but offers no usable GPU adapter (it may be disabled, blocklisted for this GPU, or need a flag). ${webGpuHowTo}`,
    );

  const requiredLimits: Record<string, number> = {};
  for (const name of wantedLimits) requiredLimits[name] = Number(adapter.limits[name]);
  const hasTimestamps = adapter.features.has('timestamp-query');
  const requiredFeatures: GPUFeatureName[] = hasTimestamps ? ['timestamp-query'] : [];

  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'continuum' });
  const pending: GpuError[] = [];
  device.onuncapturederror = (event) => pending.push(fromGpuError(event.error, 'a GPU command'));
  const lost = device.lost.then(
    (info) =>
      new GpuError(
        'device-lost',
        info.reason === 'destroyed'
          ? 'The GPU device was released.'
          : `The GPU device was lost (${info.message || 'no reason given'}). Recorded metrics are kept; resume from the last checkpoint.`,
      ),
  );
  return {
    device,
    adapter: summarise(adapter),
    hasTimestamps,
    lost,
    takeErrors: () => pending.splice(0, pending.length),
    destroy: () => device.destroy(),
  };
}
