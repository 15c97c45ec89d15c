import type { BufferLedger } from './bufferLedger';
import { Usage, MapRead } from './flags';
/** Per-kernel GPU time from `timestamp-query`, summed by label over the steps it was enabled for. */
export interface KernelTiming {
  label: string;
  count: number;
  totalMs: number;
}

const capacity = 2048; // timestamps per step (two per dispatch)

export class KernelTimer {
  private querySet: GPUQuerySet;
  private resolveBuffer: GPUBuffer;
  private labels: string[] = [];
  private totals = new Map<string, KernelTiming>();
  private inFlight: Promise<void>[] = [];

  constructor(private ledger: BufferLedger) {
    this.querySet = ledger.device.createQuerySet({ type: 'timestamp', count: capacity });
    this.resolveBuffer = ledger.createBuffer({
      size: capacity * 8,
      usage: Usage.QUERY_RESOLVE | Usage.COPY_SRC,
    });
  }

  nextWrites(label: string): GPUComputePassTimestampWrites | undefined {
    if (this.labels.length * 2 >= capacity) return undefined;
    const index = this.labels.length * 2;
    this.labels.push(label);
    return { querySet: this.querySet, beginningOfPassWriteIndex: index, endOfPassWriteIndex: index + 1 };
  }

  /** Records the copy of this step's timestamps; they are read once the submit finishes. */
  resolve(encoder: GPUCommandEncoder): void {
    if (this.labels.length === 0) return;
    const count = this.labels.length * 2;
    const staging = this.ledger.createBuffer({ size: count * 8, usage: Usage.MAP_READ | Usage.COPY_DST });
    encoder.resolveQuerySet(this.querySet, 0, count, this.resolveBuffer, 0);
    encoder.copyBufferToBuffer(this.resolveBuffer, 0, staging, 0, count * 8);
    const labels = this.labels;
    this.labels = [];
    // The map must start after the submit; a microtask runs after the synchronous submit call.
    this.inFlight.push(
      Promise.resolve()
        .then(() => staging.mapAsync(MapRead))
        .then(() => {
          const ticks = new BigInt64Array(staging.getMappedRange());
          labels.forEach((label, i) => {
            const ns = Number(ticks[2 * i + 1]! - ticks[2 * i]!);
            const entry = this.totals.get(label) ?? { label, count: 0, totalMs: 0 };
            entry.count++;
            entry.totalMs += Math.max(0, ns) / 1e6;
            this.totals.set(label, entry);
          });
          this.ledger.destroy(staging);
        }),
    );
  }

  async results(): Promise<KernelTiming[]> {
    await Promise.all(this.inFlight);
    this.inFlight = [];
    return [...this.totals.values()].sort((a, b) => b.totalMs - a.totalMs);
  }

  destroy(): void {
    this.querySet.destroy();
    this.ledger.destroy(this.resolveBuffer);
  }
}
