// How a comparison tells the machine's limits (a lost device, exhausted memory) from a run's own
// failure: on a limit the runs stop, keeping their metrics, instead of failing.
import { GpuError, type GpuContext } from '../gpu';

/** Set once the device is lost; a closure of its own, so it holds nothing of the comparison. */
export function watchLoss(gpu: GpuContext): { error?: GpuError } {
  const state: { error?: GpuError } = {};
  void gpu.lost.then((error) => (state.error = error));
  return state;
}

const isLimit = (error: unknown): error is GpuError =>
  error instanceof GpuError && (error.kind === 'device-lost' || error.kind === 'out-of-memory');

/**
 * The device loss or out-of-memory error behind `error`, if any. After a loss, reads fail with plain
 * errors ("mapAsync … device lost") and `lost` may settle just after them, so it gets a moment.
 */
export async function gpuLimit(error: unknown, gpu: GpuContext): Promise<GpuError | undefined> {
  if (isLimit(error)) return error;
  return Promise.race([gpu.lost, new Promise<undefined>((resolve) => setTimeout(resolve, 100))]);
}

/** Why the runs stopped at `step`, and what to try next. */
export function limitStopMessage(error: GpuError, step: number): string {
  const what = error.kind === 'device-lost' ? 'The GPU device was lost' : 'The GPU ran out of memory';
  return (
    `${what} at step ${step}; the runs stopped and the metrics recorded until then are kept. Resume them from ` +
    'their last checkpoint to continue on a fresh device, and if it happens again try a smaller preset or ' +
    `lower settings (train.batchSentences, model.dModel, data.targetVocab, data.maxLength). Details: ${error.message}`
  );
}
