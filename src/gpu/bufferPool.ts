import { Usage } from './flags';
import { limitError } from './errors';

export const storageUsage = Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST;

/**
 * Rounds a request up to one of four sizes per power of two (x1, x1.25, x1.5, x1.75), so a buffer
 * freed by one step fits the same request in the next while wasting at most 25 %.
 */
export function bucketBytes(bytes: number): number {
  const minimum = 256;
  if (bytes <= minimum) return minimum;
  const power = 2 ** Math.floor(Math.log2(bytes));
  const quarter = power / 4;
  return Math.ceil(bytes / quarter) * quarter;
}

export interface PoolStats {
  /** Bytes of every live GPU buffer the pool created. */
  allocatedBytes: number;
  /** Bytes currently handed out. */
  inUseBytes: number;
  /** The most bytes handed out at once since the last `resetPeak`. */
  peakInUseBytes: number;
  buffers: number;
}

/**
 * Storage buffers recycled by size bucket. A released buffer only becomes reusable after the next
 * submit (`recycle`), because commands already recorded but not yet submitted may still read it:
 * a `writeBuffer` into it would run before them.
 */
export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  private releasedThisStep: GPUBuffer[] = [];
  private live = new Set<GPUBuffer>();
  private stats_: PoolStats = { allocatedBytes: 0, inUseBytes: 0, peakInUseBytes: 0, buffers: 0 };

  constructor(
    private device: GPUDevice,
    private limits: { maxBufferSize: number; maxStorageBufferBindingSize: number },
  ) {}

  /** `label` names the tensor in error messages; `hint` says which setting to lower. */
  acquire(bytes: number, label: string, hint = 'Lower the batch size, model width or vocabulary size.'): GPUBuffer {
    const size = bucketBytes(bytes);
    const bindingLimit = Math.min(this.limits.maxStorageBufferBindingSize, this.limits.maxBufferSize);
    if (bytes > bindingLimit) {
      const name = bindingLimit === this.limits.maxBufferSize ? 'maxBufferSize' : 'maxStorageBufferBindingSize';
      throw limitError(`Tensor '${label}'`, bytes, name, bindingLimit, hint);
    }
    const reused = this.free.get(size)?.pop();
    const buffer =
      reused ?? this.device.createBuffer({ size: Math.min(size, bindingLimit), usage: storageUsage, label });
    if (!reused) {
      this.live.add(buffer);
      this.stats_.allocatedBytes += buffer.size;
      this.stats_.buffers++;
    }
    this.stats_.inUseBytes += buffer.size;
    this.stats_.peakInUseBytes = Math.max(this.stats_.peakInUseBytes, this.stats_.inUseBytes);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    this.stats_.inUseBytes -= buffer.size;
    this.releasedThisStep.push(buffer);
  }

  /** Called right after a submit: buffers released before it may now be reused. */
  recycle(): void {
    for (const buffer of this.releasedThisStep) {
      const list = this.free.get(buffer.size) ?? [];
      list.push(buffer);
      this.free.set(buffer.size, list);
    }
    this.releasedThisStep = [];
  }

  /** Frees every buffer not handed out, e.g. after a run ends. */
  trim(): void {
    for (const list of this.free.values()) {
      for (const buffer of list) {
        this.stats_.allocatedBytes -= buffer.size;
        this.stats_.buffers--;
        this.live.delete(buffer);
        buffer.destroy();
      }
    }
    this.free.clear();
  }

  /** Starts a new peak measurement from the bytes in use now. */
  resetPeak(): void {
    this.stats_.peakInUseBytes = this.stats_.inUseBytes;
  }

  get stats(): PoolStats {
    return { ...this.stats_ };
  }
}
