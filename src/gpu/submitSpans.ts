import type { BufferLedger } from './bufferLedger';
import { MapRead, Usage } from './flags';

/** Submits whose spans may be awaited at once; a slot is reused only after this many later submits. */
const slots = 64;
/** resolveQuerySet writes at multiples of 256 bytes. */
const slotBytes = 256;

/**
 * GPU time of a submit, from two timestamps: an empty compute pass before the submit's work and
 * one after it. Waiting for a submit's completion cannot tell two submits apart when both finish
 * between two polls of the queue (the first would be charged both, the second nothing), which
 * happens whenever two runs of a comparison have steps in flight; timestamps can.
 */
/** When a submit's work ran, in ms on the GPU's timestamp clock (comparable between submits of one device). */
export interface GpuSpan {
  startMs: number;
  endMs: number;
}

export const spanMs = (span: GpuSpan): number => Math.max(0, span.endMs - span.startMs);

export class SubmitSpans {
  private querySet: GPUQuerySet;
  private resolveBuffer: GPUBuffer;
  private next = 0;
  /** Staging buffers read and unmapped: every step times its submit, so each is reused, not remade. */
  private idle: GPUBuffer[] = [];

  constructor(private ledger: BufferLedger) {
    this.querySet = ledger.device.createQuerySet({ type: 'timestamp', count: 2 * slots, label: 'submit spans' });
    this.resolveBuffer = ledger.createBuffer({
      size: slots * slotBytes,
      usage: Usage.QUERY_RESOLVE | Usage.COPY_SRC,
      label: 'submit spans',
    });
  }

  /** Timestamps the start of a new submit's work; returns the slot that `end` closes. */
  begin(encoder: GPUCommandEncoder): number {
    const slot = this.next;
    this.next = (slot + 1) % slots;
    encoder
      .beginComputePass({
        label: 'submit start',
        timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 2 * slot },
      })
      .end();
    return slot;
  }

  /**
   * Timestamps the end of the submit's work and copies both stamps out. Call `read` once the
   * command buffer is submitted: it settles with the span when the GPU is done.
   */
  end(encoder: GPUCommandEncoder, slot: number): { read: () => Promise<GpuSpan> } {
    encoder
      .beginComputePass({
        label: 'submit end',
        timestampWrites: { querySet: this.querySet, endOfPassWriteIndex: 2 * slot + 1 },
      })
      .end();
    encoder.resolveQuerySet(this.querySet, 2 * slot, 2, this.resolveBuffer, slot * slotBytes);
    const staging =
      this.idle.pop() ??
      this.ledger.createBuffer({ size: 16, usage: Usage.MAP_READ | Usage.COPY_DST, label: 'submit span' });
    encoder.copyBufferToBuffer(this.resolveBuffer, slot * slotBytes, staging, 0, 16);
    return {
      read: () =>
        staging.mapAsync(MapRead).then(
          () => {
            const [start, end] = new BigInt64Array(staging.getMappedRange());
            staging.unmap();
            this.idle.push(staging);
            return { startMs: Number(start!) / 1e6, endMs: Number(end!) / 1e6 };
          },
          (error: unknown) => {
            this.ledger.destroy(staging);
            throw error;
          },
        ),
    };
  }

  destroy(): void {
    this.querySet.destroy();
    this.ledger.destroy(this.resolveBuffer);
    for (const staging of this.idle) this.ledger.destroy(staging);
    this.idle = [];
  }
}
