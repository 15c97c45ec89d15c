import { Usage, MapRead } from './flags';
import type { BufferLedger } from './bufferLedger';
import { bucketBytes } from './bufferPool';
import type { StepRecorder } from './recorder';

/**
 * Idle staging kept for reuse. A checkpoint reads every parameter and Adam moment at once; keeping
 * all of those buffers would hold a copy of the model's whole state after its first checkpoint.
 */
const idleBudgetBytes = 4 * 2 ** 20;

/**
 * Late, non-blocking reads: a step copies a few values into a MAP_READ staging buffer and the
 * promise settles once the GPU is done, while the next steps are already recorded and submitted.
 * Staging buffers are recycled by size, so a steady run allocates none after its first steps.
 */
export class ReadbackRing {
  private free = new Map<number, GPUBuffer[]>();
  private idleBytes = 0;

  constructor(private ledger: BufferLedger) {}

  read(recorder: StepRecorder, source: GPUBuffer, offset: number, bytes: number): Promise<ArrayBuffer> {
    // Sizes rounded as the pool rounds them: evaluation reads many slightly different lengths, and
    // a free list per exact size would keep a staging buffer for each one.
    const size = bucketBytes(bytes);
    const reused = this.free.get(size)?.pop();
    if (reused) this.idleBytes -= size;
    const staging =
      reused ?? this.ledger.createBuffer({ size, usage: Usage.MAP_READ | Usage.COPY_DST, label: 'readback' });
    recorder.copyBuffer(source, offset, staging, 0, Math.ceil(bytes / 4) * 4);
    return new Promise((resolve, reject) => {
      recorder.afterSubmit(() => {
        staging.mapAsync(MapRead).then(
          () => {
            const copy = staging.getMappedRange(0, Math.ceil(bytes / 4) * 4).slice(0, bytes);
            staging.unmap();
            this.recycle(staging, size);
            resolve(copy);
          },
          (error: unknown) => {
            this.ledger.destroy(staging);
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
    });
  }

  private recycle(staging: GPUBuffer, size: number): void {
    if (this.idleBytes + size > idleBudgetBytes) {
      this.ledger.destroy(staging);
      return;
    }
    const list = this.free.get(size) ?? [];
    list.push(staging);
    this.free.set(size, list);
    this.idleBytes += size;
  }

  /** Frees the idle staging buffers; one still mapping goes back to the free list and stays. */
  destroy(): void {
    for (const list of this.free.values()) for (const staging of list) this.ledger.destroy(staging);
    this.free.clear();
    this.idleBytes = 0;
  }
}
