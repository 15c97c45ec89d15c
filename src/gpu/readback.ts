import { Usage, MapRead } from './flags';
import type { StepRecorder } from './recorder';

/**
 * Late, non-blocking reads: a step copies a few values into a MAP_READ staging buffer and the
 * promise settles once the GPU is done, while the next steps are already recorded and submitted.
 * Staging buffers are recycled by size, so a steady run allocates none after its first steps.
 */
export class ReadbackRing {
  private free = new Map<number, GPUBuffer[]>();

  constructor(private device: GPUDevice) {}

  read(recorder: StepRecorder, source: GPUBuffer, offset: number, bytes: number): Promise<ArrayBuffer> {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    const staging =
      this.free.get(size)?.pop() ??
      this.device.createBuffer({ size, usage: Usage.MAP_READ | Usage.COPY_DST, label: 'readback' });
    recorder.copyBuffer(source, offset, staging, 0, Math.ceil(bytes / 4) * 4);
    return new Promise((resolve, reject) => {
      recorder.afterSubmit(() => {
        staging.mapAsync(MapRead).then(
          () => {
            const copy = staging.getMappedRange(0, Math.ceil(bytes / 4) * 4).slice(0, bytes);
            staging.unmap();
            const list = this.free.get(size) ?? [];
            list.push(staging);
            this.free.set(size, list);
            resolve(copy);
          },
          (error: unknown) => {
            staging.destroy();
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
    });
  }
}
