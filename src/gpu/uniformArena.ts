import { Usage } from './flags';
/** One kernel's parameter block: numbers tagged with their WGSL type, in struct field order. */
export type UniformField = { u32: number } | { i32: number } | { f32: number };

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
    private device: GPUDevice,
    alignment: number,
  ) {
    if (alignment > slotBytes)
      throw new Error(`minUniformBufferOffsetAlignment ${alignment} > ${slotBytes} is not supported`);
  }

  allocate(fields: UniformField[]): GPUBufferBinding {
    if (fields.length * 4 > slotBytes)
      throw new Error(`A uniform block has ${fields.length} fields; at most ${slotBytes / 4} fit`);
    const chunkIndex = Math.floor(this.used / chunkSlots);
    const slot = this.used % chunkSlots;
    this.used++;
    if (chunkIndex === this.chunks.length) {
      const buffer = this.device.createBuffer({
        size: slotBytes * chunkSlots,
        usage: Usage.UNIFORM | Usage.COPY_DST,
        label: `uniforms-${chunkIndex}`,
      });
      this.chunks.push({ buffer, data: new DataView(new ArrayBuffer(slotBytes * chunkSlots)) });
    }
    const chunk = this.chunks[chunkIndex]!;
    const base = slot * slotBytes;
    fields.forEach((field, i) => {
      const at = base + i * 4;
      if ('u32' in field) chunk.data.setUint32(at, field.u32, true);
      else if ('i32' in field) chunk.data.setInt32(at, field.i32, true);
      else chunk.data.setFloat32(at, field.f32, true);
    });
    // WGSL uniform structs round up to 16 bytes; bind the whole padded block.
    return { buffer: chunk.buffer, offset: base, size: Math.max(16, Math.ceil((fields.length * 4) / 16) * 16) };
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
    for (const chunk of this.chunks) chunk.buffer.destroy();
    this.chunks = [];
  }
}
