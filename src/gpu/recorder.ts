import { GpuError, lowerSizesHint, workgroupLimitMessage } from './errors';
import type { GpuSpan, SubmitSpans } from './submitSpans';
import type { KernelTimer } from './timer';
import type { UniformArena } from './uniformArena';

export type Workgroups = readonly [number, number?, number?];

/**
 * Encodes every dispatch and copy of one step into one command encoder and submits once
 * (on Chromium + SwiftShader a submit-and-wait costs ~1.8 ms, a batched dispatch ~20 µs).
 * Dispatches share one compute pass, which WebGPU orders and synchronises per dispatch; with a
 * timer each dispatch gets its own pass so timestamps can bracket it.
 */
export class StepRecorder {
  private encoder: GPUCommandEncoder | undefined;
  private pass: GPUComputePassEncoder | undefined;
  private afterSubmitCallbacks: (() => void)[] = [];
  dispatches = 0;
  submits = 0;
  /** Bytes the dispatches bound read-only and writable, and the FLOPs of the products among them (adapter-independent). */
  traffic = { read: 0, written: 0, flops: 0 };
  /** Dispatches recorded since the last submit: lets tests assert "one submit per step". */
  pendingDispatches = 0;
  /**
   * When the latest submit ran on the GPU, settling once it is done; undefined unless `timeNextSubmit` asked for it.
   */
  lastSubmitSpan: Promise<GpuSpan> | undefined;
  private spanSlot: number | undefined;

  constructor(
    private device: GPUDevice,
    private uniforms: UniformArena,
    /** The device's maxComputeWorkgroupsPerDimension. */
    private maxWorkgroupsPerDimension: number,
    private onSubmitted: () => void,
    public timer?: KernelTimer,
    private spans?: SubmitSpans,
  ) {}

  private getEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder({ label: 'step' });
    return this.encoder;
  }

  /**
   * Times the next submit on the GPU (with timestamp queries; otherwise a no-op): what is recorded
   * from now on until it is bracketed, and `lastSubmitSpan` settles with its span. Only on request,
   * because the span is read back by mapping a buffer, and in Node any pending mapping makes npm
   * `webgpu` poll a core.
   */
  timeNextSubmit(): void {
    if (!this.spans || this.spanSlot !== undefined) return;
    this.endPass();
    this.spanSlot = this.spans.begin(this.getEncoder());
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = undefined;
  }

  dispatch(
    pipeline: GPUComputePipeline,
    entries: GPUBindGroupEntry[],
    workgroups: Workgroups,
    label: string,
    cost: { read: number; written: number; flops: number } = { read: 0, written: 0, flops: 0 },
  ): void {
    const [x, y = 1, z = 1] = workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    // WebGPU would report it only after the submit, as a validation error that voids the whole
    // step, without saying which kernel. (grid1d folds 1-D work into 2-D to stay below the limit.)
    if (Math.max(x, y, z) > this.maxWorkgroupsPerDimension) {
      throw new GpuError(
        'limit',
        workgroupLimitMessage(`Kernel '${label}'`, [x, y, z], this.maxWorkgroupsPerDimension, lowerSizesHint),
      );
    }
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries, label });
    if (this.timer) {
      this.endPass();
      this.pass = this.getEncoder().beginComputePass({ label, timestampWrites: this.timer.nextWrites(label) });
    } else {
      this.pass ??= this.getEncoder().beginComputePass({ label: 'step' });
    }
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(x, y, z);
    if (this.timer) this.endPass();
    this.dispatches++;
    this.pendingDispatches++;
    this.traffic.read += cost.read;
    this.traffic.written += cost.written;
    this.traffic.flops += cost.flops;
  }

  copyBuffer(source: GPUBuffer, sourceOffset: number, target: GPUBuffer, targetOffset: number, bytes: number): void {
    this.endPass();
    this.getEncoder().copyBufferToBuffer(source, sourceOffset, target, targetOffset, bytes);
  }

  clearBuffer(buffer: GPUBuffer, offset = 0, bytes?: number): void {
    this.endPass();
    this.getEncoder().clearBuffer(buffer, offset, bytes);
  }

  /** Runs after the next submit, e.g. to map a readback buffer the step copied into. */
  afterSubmit(callback: () => void): void {
    this.afterSubmitCallbacks.push(callback);
  }

  get isEmpty(): boolean {
    return this.encoder === undefined && this.afterSubmitCallbacks.length === 0;
  }

  /** Uploads the step's uniforms, submits the one command buffer, then lets mappings start. */
  submit(): void {
    if (this.isEmpty) return;
    this.endPass();
    const encoder = this.getEncoder();
    this.timer?.resolve(encoder);
    const span = this.spans && this.spanSlot !== undefined ? this.spans.end(encoder, this.spanSlot) : undefined;
    this.spanSlot = undefined;
    const commands = encoder.finish();
    this.encoder = undefined;
    this.uniforms.upload(this.device.queue);
    this.device.queue.submit([commands]);
    this.lastSubmitSpan = span?.read();
    // Awaited by whoever asks; a lost device must not surface as an unhandled rejection meanwhile.
    this.lastSubmitSpan?.catch(() => undefined);
    this.submits++;
    this.pendingDispatches = 0;
    this.onSubmitted();
    const callbacks = this.afterSubmitCallbacks;
    this.afterSubmitCallbacks = [];
    for (const callback of callbacks) callback();
  }

  /** Frees the timestamp query sets. */
  destroy(): void {
    this.timer?.destroy();
    this.spans?.destroy();
  }
}
