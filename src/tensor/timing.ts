// Wall-clock timing of recorded GPU work, for kernel selection and the benchmarks.
import type { Engine } from './engine';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Wall time of the work `record` encodes, submitted at once. It sleeps for most of `expectedMs`
 * before asking the queue, because npm `webgpu` busy-polls a core while a GPU promise is pending.
 */
export async function timeSubmitted(engine: Engine, record: () => void, expectedMs = 0): Promise<number> {
  const started = performance.now();
  record();
  engine.flush();
  if (expectedMs > 2) await sleep(expectedMs * 0.9);
  await engine.device.queue.onSubmittedWorkDone();
  return performance.now() - started;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
