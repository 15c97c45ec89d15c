// Messages between the page and the training worker (src/app/worker/training.worker.ts). Metric
// points travel incrementally and progress at most every `progressIntervalMs`, so the page's main
// thread does a little work ten times a second however fast the GPU steps.
import type { ExperimentConfig } from '../experiments/config';
import type { UploadedData } from '../experiments/uploads';
import type { AdapterSummary, GpuErrorKind } from '../gpu';
import type { EvaluationOptions } from './evaluate';
import type { ComparisonRecord, EvalPoint, MetricPoint, RunRecord } from './record';

export interface RunRequest {
  label: string;
  config: ExperimentConfig;
  /** A checkpoint to continue from: a run cut off by a lost device, a crashed worker or a reload. */
  resume?: Uint8Array;
}

/** A run's latest checkpoint (src/train/checkpoint.ts), taken after step `step`. */
export interface RunCheckpoint {
  step: number;
  bytes: Uint8Array;
}

/** A finished run's weights as safetensors (src/train/weights.ts), or why they could not be read. */
export type RunWeights = { bytes: Uint8Array<ArrayBuffer> } | { error: string };

/** A run the NaN guard holds until the page decides: roll it back to `rollbackStep` or end it. */
export interface HeldRun {
  runIndex: number;
  message: string;
  /** The step of the checkpoint a rollback returns to; absent before the first checkpoint. */
  rollbackStep?: number;
}

/**
 * `rollback`: back to the run's latest checkpoint at half the learning rate; `end`: the run fails, the others go on.
 */
export type DivergenceAction = 'rollback' | 'end';

/**
 * Failures the browser tests provoke through `simulateFault`; `divergence` fills the last run's first weight with NaN.
 */
export type Fault = 'device-lost' | 'crash' | 'divergence';

export interface StartCommand {
  type: 'start';
  runs: RunRequest[];
  preset?: string;
  evaluation?: Partial<EvaluationOptions>;
  /** The user's files the runs name (structured-cloned, so the worker reads no file of the user's). */
  uploads?: UploadedData;
  /** The app's base URL (absolute): data files are fetched below it, as the page would. */
  baseUrl: string;
}

/** `step` lets one step through, then pauses. */
export type PageCommand =
  | StartCommand
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'step' }
  | { type: 'stop' }
  | { type: 'divergence'; runIndex: number; action: DivergenceAction }
  /** Where the worker's heartbeat goes: one message every `heartbeatIntervalMs` while it lives. */
  | { type: 'heartbeat'; port: MessagePort }
  /**
   * Test-only: lets the browser tests lose the device, crash the worker or make a run diverge. The app never sends it.
   */
  | { type: 'simulateFault'; fault: Fault };

/**
 * `interrupted`: the device was lost (the worker says so), or the worker crashed or the page was
 * reloaded (the page decides); the runs can resume from their checkpoints in a new worker.
 */
export type WorkerState = 'preparing' | 'running' | 'paused' | 'interrupted' | 'finished' | 'stopped' | 'failed';

export interface RunProgress {
  label: string;
  status: RunRecord['status'];
  /** Why the run failed or stopped, once it has. */
  error?: string;
  /** Points recorded since the previous progress message only. */
  metrics: MetricPoint[];
  /** The trivial baselines of the run's validation split, and where early stopping ended it, once known. */
  baselines?: RunRecord['baselines'];
  earlyStop?: RunRecord['earlyStop'];
}

export type WorkerEvent =
  /** The worker's adapter, and the kernel choices its engine made for it (tuning.ts). */
  | { type: 'adapter'; summary: AdapterSummary; kernels: string[] }
  | { type: 'prepared'; runs: number; steps: number }
  | { type: 'progress'; step: number; runs: RunProgress[] }
  | { type: 'eval'; runIndex: number; point: EvalPoint }
  | ({ type: 'checkpoint'; runIndex: number } & RunCheckpoint)
  | ({ type: 'weights'; runIndex: number } & RunWeights)
  /** The run goes on from a checkpoint: its record holds exactly these points, later ones are gone. */
  | { type: 'restored'; runIndex: number; metrics: MetricPoint[]; evals: EvalPoint[] }
  /** Every run the NaN guard holds now (empty once the page has decided on each). */
  | { type: 'held'; runs: HeldRun[] }
  | { type: 'finished'; record: ComparisonRecord }
  | { type: 'error'; message: string; kind?: GpuErrorKind }
  /** An error nothing handled; the worker closed itself right after this message. */
  | { type: 'crashed'; message: string }
  | { type: 'status'; state: WorkerState; message?: string };

export const progressIntervalMs = 100;

/**
 * The training worker beats this often, from a worker of its own that dies with it; the page takes
 * `heartbeatTimeoutMs` of silence for a dead worker, so one killed without an error event (ended
 * from outside, or by the browser) is noticed within 5 s of its last beat.
 */
export const heartbeatIntervalMs = 1000;
export const heartbeatTimeoutMs = 4000;

/**
 * Turns the comparison's per-step callbacks into throttled progress messages holding only the
 * metric points the page has not seen. Points land in the records a few steps late (reads are
 * asynchronous), so each message takes whatever arrived since the last one.
 */
export class ProgressReporter {
  private sent: number[] = [];
  private lastPost = -Infinity;
  private step = 0;

  constructor(
    private readonly post: (event: WorkerEvent) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Notes that `step` steps are done; posts if the last message is old enough. */
  update(step: number, runs: readonly RunRecord[]): void {
    this.step = step;
    if (this.now() - this.lastPost >= progressIntervalMs) this.flush(runs);
  }

  /** Run `index` holds `kept` points now (restored from a checkpoint): later points are new again. */
  rewind(index: number, kept: number): void {
    this.sent[index] = kept;
  }

  /** Posts now: before pausing or finishing, the page must see every point. */
  flush(runs: readonly RunRecord[]): void {
    const fresh = runs.map((run, i) => run.metrics.slice(this.sent[i] ?? 0));
    this.lastPost = this.now();
    this.sent = runs.map((run) => run.metrics.length);
    const progress = runs.map(
      ({ label, status, error, baselines, earlyStop }, i): RunProgress => ({
        label,
        status,
        ...(error === undefined ? {} : { error }),
        ...(baselines === undefined ? {} : { baselines }),
        ...(earlyStop === undefined ? {} : { earlyStop }),
        metrics: fresh[i]!,
      }),
    );
    this.post({ type: 'progress', step: this.step, runs: progress });
  }
}

/**
 * What a finished comparison amounts to: interrupted when the device was lost (the runs can resume
 * elsewhere), stopped when any run ended early, failed when every run failed, else finished, naming
 * the runs that failed on the way.
 */
export function comparisonOutcome(
  record: ComparisonRecord,
  deviceLost = false,
): { state: WorkerState; message?: string } {
  const stopped = record.runs.find((run) => run.status === 'stopped');
  const state = deviceLost ? 'interrupted' : 'stopped';
  if (stopped) return stopped.error ? { state, message: stopped.error } : { state };
  const failed = record.runs.filter((run) => run.status === 'failed');
  const message = failed.map((run) => `${run.label}: ${run.error ?? 'failed'}`).join('\n');
  if (failed.length > 0 && failed.length === record.runs.length) return { state: 'failed', message };
  return failed.length > 0 ? { state: 'finished', message } : { state: 'finished' };
}
