// One training run: a model, its optimizer and its record. A step records forward, backward and the
// optimizer into one submit; its loss and gradient norm are read back a few steps later, so the CPU
// never waits for the GPU except to stay at most `maxInFlight` submits ahead.
// Shape legend: B batch, T decoder length, N = B·T target slots.
import type { Batch } from '../data/batching';
import type { ExperimentConfig } from '../experiments/config';
import { buildModel, type Model } from '../experiments/model';
import { optimizerGroups } from '../heads';
import type { Task } from '../experiments/task';
import { Adam } from '../nn/adam';
import type { SequenceBatch } from '../nn/backbone';
import { spanMs } from '../gpu/submitSpans';
import type { Engine } from '../tensor/engine';
import { scale } from '../tensor/ops/elementwise';
import { sumAll } from '../tensor/ops/reduce';
import { tunables } from '../tensor/ops/tunables';
import { currentChoice } from '../tensor/tuning';
import type { MetricPoint, RunRecord } from './record';
import { learningRateAt } from './schedule';

/** Steps whose time is left out of tokens/s: the first compiles every pipeline. */
export const warmupSteps = 2;
const maxInFlight = 3;

export function sequenceBatch(batch: Batch): SequenceBatch {
  return {
    size: batch.size,
    source: batch.source,
    sourceLength: batch.sourceLength,
    sourceLengths: batch.sourceLengths,
    input: batch.input,
    length: batch.length,
  };
}

function targetTokens(batch: Batch): number {
  return batch.lengths.reduce((n, length) => n + length, 0);
}

/** A loss or gradient norm read back as NaN or ±Infinity (the NaN guard). */
export interface Divergence {
  /** The step (1-based, as in the metrics) whose value was not finite. */
  step: number;
  quantity: 'loss' | 'gradient norm';
  value: number;
}

export interface RunOptions {
  label: string;
  /** Prefix of this run's phase labels (`tag:forward` …) in per-kernel timings; default 'run'. */
  tag?: string;
  adapter: string;
  /** Wall-clock origin of the comparison (ms, performance.now()). */
  startedAt?: number;
}

export class TrainingRun {
  readonly model: Model;
  readonly optimizer: Adam;
  readonly record: RunRecord;
  /** Steps recorded so far. */
  step = 0;
  /** Steps this object has trained: fewer than `step` when it continued from a checkpoint. */
  stepsTrained = 0;
  /** Target tokens trained on so far. */
  tokens = 0;
  /**
   * Set by the NaN guard: the run takes no further step until its caller restores it from a
   * checkpoint (which clears this) or ends it. Steps submitted before the value was read still ran.
   */
  divergence: Divergence | undefined;
  /** Multiplies the scheduled learning rate; lowered when a diverged run is rolled back. */
  learningRateFactor = 1;
  private inFlight: Promise<void>[] = [];
  private origin: number;
  readonly tag: string;
  /** GPU-busy time and tokens of the steps after warm-up (see `noteCompletion`). */
  private timed = { ms: 0, tokens: 0, steps: 0 };
  warmupMs = 0;

  constructor(
    readonly engine: Engine,
    readonly task: Task,
    readonly config: ExperimentConfig,
    options: RunOptions,
  ) {
    this.model = buildModel(engine, config, task);
    const groups = optimizerGroups(this.model.head, this.model.backbone.parameters());
    const { learningRate, clip, weightDecay } = config.train;
    this.optimizer = new Adam(engine, groups, { lr: learningRate, clipNorm: clip, weightDecay });
    this.origin = options.startedAt ?? performance.now();
    this.tag = options.tag ?? 'run';
    this.record = {
      format: 'continuum-run',
      formatVersion: 1,
      label: options.label,
      config,
      adapter: options.adapter,
      kernels: tunables.map((tunable) => `${tunable.name}: ${currentChoice(engine, tunable).choice}`),
      startedAt: new Date().toISOString(),
      status: 'running',
      metrics: [],
      evals: [],
    };
  }

  /** Ended, or through every step; a diverged run is not finished until its caller decides. */
  get finished(): boolean {
    return this.record.status !== 'running' || (this.step >= this.config.train.steps && !this.divergence);
  }

  get parameters() {
    return [...this.model.backbone.parameters(), ...this.model.head.parameters()];
  }

  /**
   * Records and submits one step on `batch`. Resolves once fewer than `maxInFlight` of this run's
   * steps are unfinished — never waiting for this step's own results.
   */
  async trainStep(batch: Batch, clock: StepClock): Promise<void> {
    if (this.finished || this.divergence) return;
    const { engine, config } = this;
    const step = this.step;
    const started = performance.now();
    const tokens = targetTokens(batch);
    const learningRate = learningRateAt(step, config.train) * this.learningRateFactor;
    this.optimizer.lrScale = learningRate / config.train.learningRate;
    const logged = step % config.train.logEvery === 0 || step === config.train.steps - 1;
    const submitsBefore = engine.recorder.submits;
    engine.recorder.timeNextSubmit();
    const reads = engine.step(() => {
      const context = { step, dropout: config.model.dropout };
      const loss = engine.inPhase(`${this.tag}:forward`, () => {
        const hidden = this.model.backbone.forward(engine, sequenceBatch(batch), context);
        const targets = engine.tensor(batch.target, [batch.size * batch.length], 'i32', 'targets');
        return scale(sumAll(this.model.head.loss(hidden, targets)), 1 / Math.max(1, tokens));
      });
      engine.inPhase(`${this.tag}:backward`, () => engine.backward(loss));
      engine.inPhase(`${this.tag}:optimizer`, () => this.optimizer.step());
      return logged ? { loss: engine.readLater(loss), stats: engine.readLater(this.optimizer.clipStats) } : undefined;
    });
    // Warm-up is the first steps on this device (shader compilation), however far the run had got.
    const warmup = this.stepsTrained < warmupSteps;
    this.step++;
    this.stepsTrained++;
    this.tokens += tokens;
    const tokensSoFar = this.tokens;
    const gpuMs = engine.recorder.submits > submitsBefore ? engine.recorder.lastSubmitSpan?.then(spanMs) : undefined;
    const done = clock.completion(engine, started, gpuMs).then((busyMs) => this.noteCompletion(warmup, tokens, busyMs));
    const metrics = reads
      ? Promise.all([reads.loss, reads.stats, done]).then(([loss, stats]) =>
          this.noteMetric(step, tokensSoFar, learningRate, loss[0]!, stats[0]!),
        )
      : done;
    // Its failure (e.g. a lost device) reaches whoever awaits it below or in settle(); until then it
    // must not count as an unhandled rejection, which a worker treats as a crash.
    metrics.catch(() => undefined);
    this.inFlight.push(metrics);
    if (this.inFlight.length >= maxInFlight) await this.inFlight.shift();
  }

  private noteCompletion(warmup: boolean, tokens: number, busyMs: number): void {
    if (warmup) {
      this.warmupMs += busyMs;
      return;
    }
    this.timed.ms += busyMs;
    this.timed.tokens += tokens;
    this.timed.steps++;
  }

  private noteMetric(step: number, tokens: number, learningRate: number, loss: number, gradNorm: number): void {
    if (this.record.status !== 'running' || this.divergence) return;
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      this.divergence = Number.isFinite(loss)
        ? { step: step + 1, quantity: 'gradient norm', value: gradNorm }
        : { step: step + 1, quantity: 'loss', value: loss };
      return;
    }
    const point: MetricPoint = {
      step: step + 1,
      wallMs: performance.now() - this.origin,
      tokens,
      loss,
      learningRate,
      gradNorm,
    };
    const throughput = this.tokensPerSecond;
    if (throughput !== undefined) point.tokensPerSecond = throughput;
    this.record.metrics.push(point);
  }

  /** "Step 4: the loss is NaN for the NLLvMF head (run "head: vmf")", once the NaN guard has tripped. */
  get divergenceText(): string | undefined {
    const d = this.divergence;
    return (
      d &&
      `Step ${d.step}: the ${d.quantity} is ${d.value} for the ${this.model.head.label} head (run "${this.record.label}")`
    );
  }

  /** Ends a diverged run as failed, naming the divergence; its metrics stay. */
  endDiverged(): void {
    this.fail(
      `${this.divergenceText}. The run stopped; the metrics recorded before it are kept. Try a lower train.learningRate or train.clip.`,
    );
  }

  fail(message: string): void {
    this.record.status = 'failed';
    this.record.error = message;
  }

  /** Finishes the run before train.steps: its validation loss stopped improving after `bestStep`. */
  finishEarly(bestStep: number): void {
    this.record.status = 'finished';
    this.record.earlyStop = { step: this.step, bestStep, patience: this.config.train.patience };
  }

  /** Ends the run early without blaming it: asked to stop, or the device gave out (`message` says which). */
  stop(message?: string): void {
    this.record.status = 'stopped';
    if (message !== undefined) this.record.error = message;
  }

  /** Target tokens per second of device time, warm-up excluded; undefined until measured. */
  get tokensPerSecond(): number | undefined {
    return this.timed.ms > 0 ? (1000 * this.timed.tokens) / this.timed.ms : undefined;
  }

  get timedSteps(): { steps: number; ms: number } {
    return { steps: this.timed.steps, ms: this.timed.ms };
  }

  /** Waits for every submitted step's results. */
  async settle(): Promise<void> {
    const pending = this.inFlight;
    this.inFlight = [];
    await Promise.all(pending);
  }

  get wallMs(): number {
    return performance.now() - this.origin;
  }

  /** Makes the wall clock read `wallMs` now: a run resumed on a new device continues its time axis. */
  continueClockFrom(wallMs: number): void {
    this.origin = performance.now() - wallMs;
  }

  release(): void {
    this.model.release();
    this.optimizer.release();
  }
}

/**
 * Attributes time to steps. With timestamp queries a step costs the GPU time between stamps before
 * and after its submit (StepRecorder.lastSubmitSpan). Without them: the queue runs submits in order,
 * so the time from the previous step's completion (or this step's start of recording, if the
 * device was idle meanwhile) to this step's completion is what this step cost, recording time
 * included when the device waited for it — but two steps that finish between two polls of the
 * queue cannot be told apart, and the first is charged both.
 */
export class StepClock {
  private lastCompletion = 0;

  completion(engine: Engine, started: number, gpuMs?: Promise<number>): Promise<number> {
    if (gpuMs) {
      return gpuMs.then((ms) => {
        this.lastCompletion = performance.now();
        return ms;
      });
    }
    return engine.device.queue.onSubmittedWorkDone().then(() => {
      const now = performance.now();
      const busy = now - Math.max(started, this.lastCompletion);
      this.lastCompletion = now;
      return busy;
    });
  }
}
