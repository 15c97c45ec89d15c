import type { BufferLedger } from './bufferLedger';
import { Usage } from './flags';

const slotBytes = 256; // minUniformBufferOffsetAlignment on every adapter we know; asserted in the constructor
const chunkSlots = 256;

/**
 * Kernel parameters for a whole step live in a few 64 KiB uniform buffers, one 256-byte slot per
 * dispatch, written with one `writeBuffer` per chunk right before the step's submit. Chunks are
 * reused next step: queue order puts that step's writes after this step's commands.
 */
export class UniformArena {
  private chunks: { buffer: GPUBuffer; data: DataView }[] = [];
  private used = 0;

  constructor(
    private ledger: BufferLedger,
    alignment: number,
  ) {
    if (alignment > slotBytes)
      throw new Error(`minUniformBufferOffsetAlignment ${alignment} > ${slotBytes} is not supported`);
  }

  /** A slot for a uniform block of `bytes` (a multiple of 16), filled by `write` at `offset` in `data`. */
  allocate(bytes: number, write: (data: DataView, offset: number) => void): GPUBufferBinding {
    if (bytes > slotBytes)
      throw new Error(`A uniform block of ${bytes} bytes does not fit a ${slotBytes}-byte slot (at most 64 fields)`);
    const chunkIndex = Math.floor(this.used / chunkSlots);
    if (chunkIndex === this.chunks.length) {
      const buffer = this.ledger.createBuffer({
        size: slotBytes * chunkSlots,
        usage: Usage.UNIFORM | Usage.COPY_DST,
        label: `uniforms-${chunkIndex}`,
      });
      this.chunks.push({ buffer, data: new DataView(new ArrayBuffer(slotBytes * chunkSlots)) });
    }
    const chunk = this.chunks[chunkIndex]!;
    const offset = (this.used % chunkSlots) * slotBytes;
    write(chunk.data, offset);
    this.used++;
    return { buffer: chunk.buffer, offset, size: bytes };
  }

  /** Uploads what this step used and starts the next step from slot 0. */
  upload(queue: GPUQueue): void {
    const usedChunks = Math.ceil(this.used / chunkSlots);
    for (let c = 0; c < usedChunks; c++) {
      const bytes = c === usedChunks - 1 ? (this.used - c * chunkSlots) * slotBytes : slotBytes * chunkSlots;
      queue.writeBuffer(this.chunks[c]!.buffer, 0, this.chunks[c]!.data.buffer, 0, bytes);
    }
    this.used = 0;
  }

  destroy(): void {
    for (const chunk of this.chunks) this.ledger.destroy(chunk.buffer);
    this.chunks = [];
  }
}
