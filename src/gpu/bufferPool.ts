import type { BufferLedger } from './bufferLedger';
import { Usage } from './flags';
import { limitError, lowerSizesHint } from './errors';

const storageUsage = Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST;

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

export interface StorageLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

/** The largest storage buffer a kernel can bind, and the name of the limit that sets it. */
export function storageLimit(limits: StorageLimits): {
  name: 'maxBufferSize' | 'maxStorageBufferBindingSize';
  bytes: number;
} {
  return limits.maxStorageBufferBindingSize <= limits.maxBufferSize
    ? { name: 'maxStorageBufferBindingSize', bytes: limits.maxStorageBufferBindingSize }
    : { name: 'maxBufferSize', bytes: limits.maxBufferSize };
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
  private stats_: PoolStats = { allocatedBytes: 0, inUseBytes: 0, peakInUseBytes: 0, buffers: 0 };
  private readonly limit: ReturnType<typeof storageLimit>;

  constructor(
    private ledger: BufferLedger,
    limits: StorageLimits,
  ) {
    this.limit = storageLimit(limits);
  }

  /**
   * `label` names the tensor in error messages. A size above the device's binding limit is refused
   * before any GPU call, so a step never fails halfway through with a vaguer validation error.
   */
  acquire(bytes: number, label: string): GPUBuffer {
    if (bytes > this.limit.bytes)
      throw limitError(`Tensor '${label}'`, bytes, this.limit.name, this.limit.bytes, lowerSizesHint);
    const size = bucketBytes(bytes);
    const reused = this.free.get(size)?.pop();
    const buffer =
      reused ?? this.ledger.createBuffer({ size: Math.min(size, this.limit.bytes), usage: storageUsage, label });
    if (!reused) {
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
        this.ledger.destroy(buffer);
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
