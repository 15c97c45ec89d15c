// Wall-clock timing of recorded GPU work, for kernel selection and the benchmarks.
import type { Engine } from './engine';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Wall time of the work `record` encodes, submitted at once. It sleeps `expectedMs` (pass less
 * than the work can take) before asking the queue, because npm `webgpu` busy-polls a core while
 * a GPU promise is pending.
 */
export async function timeSubmitted(engine: Engine, record: () => void, expectedMs = 0): Promise<number> {
  const started = performance.now();
  record();
  engine.flush();
  if (expectedMs > 2) await sleep(expectedMs);
  await engine.device.queue.onSubmittedWorkDone();
  return performance.now() - started;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Median wall time of `record`'s work over `reps` submits, after one untimed warm-up that compiles
 * its pipelines and fills the buffer pool. Each timed run sleeps for 80 % of the fastest run so far,
 * never longer, so the sleep that spares a core from npm webgpu's polling cannot inflate a figure.
 * A first timed run above `giveUpAboveMs` ends the timing there: it is the figure.
 */
export async function medianSubmitMs(
  engine: Engine,
  record: () => void,
  reps: number,
  { giveUpAboveMs = Infinity } = {},
): Promise<number> {
  await timeSubmitted(engine, record);
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    times.push(await timeSubmitted(engine, record, times.length ? 0.8 * Math.min(...times) : 0));
    if (times[0]! > giveUpAboveMs) break;
  }
  return median(times);
}

export interface Measurement {
  /** Median of the timed runs, ms. */
  medianMs: number;
  /** Timed runs behind the median. */
  runs: number;
  /** The untimed first run (pipeline compilation, allocation, then the work), ms. */
  firstMs: number;
}

/**
 * Runs `once` (which returns its own duration in ms and may sleep for `expectedMs` before waiting
 * on the GPU) once to warm up, then until `runs` timed runs are done or `budgetMs` is spent, with at
 * least one timed run: a product that takes a minute on a software GPU is timed once, a fast one
 * several times.
 */
export async function measure(
  once: (expectedMs: number) => Promise<number>,
  { runs = 5, budgetMs = 15_000 } = {},
): Promise<Measurement> {
  const firstMs = await once(0);
  const times: number[] = [];
  const started = performance.now();
  while (times.length < runs && (times.length === 0 || performance.now() - started < budgetMs)) {
    times.push(await once(times.length ? 0.8 * Math.min(...times) : 0));
  }
  return { medianMs: median(times), runs: times.length, firstMs };
}
