// Trains one or more runs on one device, interleaved step by step. Runs whose data settings agree
// share one Task and one batch stream, so each step feeds every run the same batch; parameters
// are seeded per name from the init seed, so the parts the runs share start from the same values.
import type { ReadAsset } from '../data/assets';
import type { ExperimentConfig } from '../experiments/config';
import { assertWithinLimits } from '../experiments/limits';
import { prepareTask, taskKey, type Task } from '../experiments/task';
import type { UploadedData } from '../experiments/uploads';
import type { Engine } from '../tensor/engine';
import { BatchStream } from './batchStream';
import { restoreCheckpoint, saveCheckpoint } from './checkpoint';
import { baselines, type Baselines } from './baselines';
import { gpuLimit, limitStopMessage, watchLoss } from './deviceFailure';
import { stopAfter } from './earlyStopping';
import { evaluate, type EvaluationOptions } from './evaluate';
import type { GpuError, KernelTiming } from '../gpu';
import type { ComparisonRecord, EvalPoint, RunRecord } from './record';
import { StepClock, TrainingRun, type Divergence } from './run';

export interface RunSpec {
  label: string;
  config: ExperimentConfig;
  /** A checkpoint of this run to continue from. */
  resume?: Uint8Array;
}

/** `index`: the run's position in `runs`. */
export type ProgressEvent =
  | { kind: 'prepared'; runs: TrainingRun[]; steps: number }
  /** A run continued from `RunSpec.resume`: its record now holds what the checkpoint held. */
  | { kind: 'restored'; run: TrainingRun; index: number }
  | { kind: 'step'; step: number; runs: TrainingRun[] }
  | { kind: 'eval'; run: TrainingRun; index: number; point: EvalPoint }
  | { kind: 'checkpoint'; run: TrainingRun; index: number; bytes: Uint8Array }
  /** A run finished (its last evaluation done), while its parameters are still on the GPU. */
  | { kind: 'finished'; run: TrainingRun; index: number };

export interface ComparisonOptions {
  engine: Engine;
  read: ReadAsset;
  adapter: string;
  runs: RunSpec[];
  preset?: string;
  evaluation?: Partial<EvaluationOptions>;
  /** The user's files that the runs' configs name. */
  uploads?: UploadedData;
  onProgress?: (event: ProgressEvent) => void | Promise<void>;
  /**
   * Awaited before every step: true lets the step run, false stops every run, keeping what it
   * recorded. A caller pauses by not settling it, and single-steps by settling true once.
   */
  gate?: () => boolean | Promise<boolean>;
  /** Whether to checkpoint `run` after its latest step; default: every `train.checkpointEvery` steps. */
  checkpointDue?: (run: TrainingRun) => boolean;
  /**
   * Called once per divergence (a non-finite loss or gradient norm, `run.divergence`). The run takes
   * no step until the callee restores it from a checkpoint or ends it (`run.endDiverged`); the other
   * runs go on unless the gate holds them. Without it the run fails at once, keeping its metrics.
   */
  onDivergence?: (run: TrainingRun, index: number) => void | Promise<void>;
}

const everyCheckpointEvery = (run: TrainingRun) =>
  run.config.train.checkpointEvery > 0 && run.step % run.config.train.checkpointEvery === 0;

export async function runComparison(options: ComparisonOptions): Promise<ComparisonRecord> {
  const comparison = new Comparison(options);
  await comparison.prepare();
  await comparison.train();
  return comparison.finish();
}

/** One call of runComparison, in phases: prepare the runs, train them, and finish their record. */
class Comparison {
  private readonly engine: Engine;
  private readonly evaluation: EvaluationOptions;
  /** The start of every run's time axis. */
  private readonly origin = performance.now();
  private readonly tasks = new Map<string, Promise<Task>>();
  private readonly runs: TrainingRun[] = [];
  private readonly streamOf = new Map<TrainingRun, BatchStream>();
  private readonly clock = new StepClock();
  /** Each run's activation memory, measured at its first step. */
  private readonly memory = new Map<TrainingRun, number>();
  private readonly announced = new Set<Divergence>();
  private lost: { error?: GpuError } = {};
  private compilesBefore = 0;
  /** The longest run's length. */
  private steps = 0;
  /** The step that the runs furthest behind take next. */
  private step = 0;

  constructor(private readonly options: ComparisonOptions) {
    this.engine = options.engine;
    this.evaluation = { batchSentences: 32, decodeSentences: 100, samples: 5, ...options.evaluation };
  }

  /** Builds every run on its task, with the batch stream it shares; a run with a checkpoint resumes from it. */
  async prepare(): Promise<void> {
    const { engine, options, runs } = this;
    const specs = options.runs;
    // Every run is checked against the device before any model is built: a later run that cannot fit
    // must not leave the earlier ones allocated.
    for (const spec of specs) assertWithinLimits(engine.limits, spec.config, (await this.taskOf(spec.config)).task);
    const streams = new Map<string, BatchStream>();
    const baselinesOf = new Map<string, Baselines>();
    for (const spec of specs) {
      const { key, task } = await this.taskOf(spec.config);
      const run = new TrainingRun(engine, task, spec.config, {
        label: spec.label,
        adapter: options.adapter,
        startedAt: this.origin,
        tag: `run${runs.length}`,
      });
      if (!baselinesOf.has(key)) baselinesOf.set(key, baselines(task, this.evaluation.decodeSentences));
      run.record.baselines = baselinesOf.get(key)!;
      // An interruption is the machine's fault, not the run's: its time axis goes on from the checkpoint.
      if (spec.resume) run.continueClockFrom(restoreCheckpoint(run, spec.resume).wallMs);
      const streamKey = JSON.stringify([key, spec.config.train.dataSeed, spec.config.train.batchSentences]);
      if (!streams.has(streamKey)) streams.set(streamKey, new BatchStream(task, spec.config));
      this.streamOf.set(run, streams.get(streamKey)!);
      runs.push(run);
    }
    this.steps = Math.max(...runs.map((r) => r.config.train.steps));
    await options.onProgress?.({ kind: 'prepared', runs, steps: this.steps });
    for (const [index, run] of runs.entries())
      if (specs[index]!.resume) await options.onProgress?.({ kind: 'restored', run, index });
  }

  /** Runs with equal data settings share one Task, prepared once. */
  private async taskOf(config: ExperimentConfig): Promise<{ key: string; task: Task }> {
    const key = taskKey(config);
    if (!this.tasks.has(key))
      this.tasks.set(
        key,
        prepareTask(this.options.read, config, { engine: this.engine, uploads: this.options.uploads }),
      );
    return { key, task: await this.tasks.get(key)! };
  }

  /** Trains the runs step by step until each has finished or the gate stops them, then evaluates each once more. */
  async train(): Promise<void> {
    this.compilesBefore = this.engine.pipelines.compiles.length;
    this.lost = watchLoss(this.engine.gpu);
    this.step = Math.min(...this.runs.map((r) => r.step));
    try {
      await this.trainInterleaved();
      this.throwIfBroken();
      for (const [index, run] of this.runs.entries()) {
        await this.evaluateRun(run);
        if (run.record.status === 'running') run.record.status = 'finished';
        if (run.record.status === 'finished') await this.options.onProgress?.({ kind: 'finished', run, index });
      }
    } catch (error) {
      await this.endRuns(error);
    }
  }

  // Each pass trains the runs that are furthest behind by one step: normally all of them together;
  // after a rollback, the rolled-back run alone until it catches up.
  private async trainInterleaved(): Promise<void> {
    const { options, runs } = this;
    for (;;) {
      const pending = runs.filter((run) => !run.finished);
      if (pending.length === 0) {
        // The last steps' losses land now; one of them may still trip the NaN guard.
        await Promise.all(runs.map((run) => run.settle()));
        if (await this.announceDivergences()) continue;
        return;
      }
      if (options.gate && !(await options.gate())) {
        // The submitted steps' metrics land first: a run that is no longer running ignores them.
        await Promise.all(runs.map((run) => run.settle()));
        for (const run of runs) if (run.record.status === 'running') run.stop(run.divergenceText);
        return;
      }
      this.throwIfBroken();
      const stepping = pending.filter((run) => !run.divergence);
      if (stepping.length === 0) {
        // Only diverged runs are left and the gate let the comparison go on without a decision.
        for (const run of pending) run.endDiverged();
        continue;
      }
      this.step = Math.min(...stepping.map((run) => run.step));
      for (const run of stepping) if (run.step === this.step) await this.trainStep(run);
      await this.announceDivergences();
      await options.onProgress?.({ kind: 'step', step: this.step + 1, runs });
    }
  }

  /** One step of `run` on its stream's batch, then its evaluation and checkpoint when they are due. */
  private async trainStep(run: TrainingRun): Promise<void> {
    const { engine } = this;
    const batch = this.streamOf.get(run)!.at(this.step);
    const before = engine.pool.stats.inUseBytes;
    engine.pool.resetPeak();
    await run.trainStep(batch, this.clock);
    if (!this.memory.has(run)) this.memory.set(run, engine.pool.stats.peakInUseBytes - before);
    const { evalEvery, steps, patience, stopOn, minSteps } = run.config.train;
    if (evalEvery > 0 && run.step % evalEvery === 0 && run.step < steps) {
      await this.evaluateRun(run);
      const bestStep = stopAfter(run.record.evals, patience, stopOn, minSteps);
      // A diverged run is the divergence handler's to end, not early stopping's.
      if (bestStep !== undefined && run.record.status === 'running' && !run.divergence) run.finishEarly(bestStep);
    }
    const checkpointDue = this.options.checkpointDue ?? everyCheckpointEvery;
    if (checkpointDue(run)) await this.checkpoint(run);
  }

  private async evaluateRun(run: TrainingRun): Promise<void> {
    await run.settle();
    if (run.record.status !== 'running') return;
    const point = await evaluate(run, this.evaluation);
    await this.options.onProgress?.({ kind: 'eval', run, index: this.runs.indexOf(run), point });
  }

  // saveCheckpoint settles the run first, so a divergence in its last steps shows up here: such a
  // state is not worth returning to.
  private async checkpoint(run: TrainingRun): Promise<void> {
    const bytes = await saveCheckpoint(run);
    if (!run.divergence && run.record.status === 'running')
      await this.options.onProgress?.({ kind: 'checkpoint', run, index: this.runs.indexOf(run), bytes });
  }

  /** Hands each new divergence to onDivergence (or fails the run); true if there was one. */
  private async announceDivergences(): Promise<boolean> {
    let found = false;
    for (const [index, run] of this.runs.entries()) {
      const divergence = run.divergence;
      if (!divergence || this.announced.has(divergence) || run.record.status !== 'running') continue;
      this.announced.add(divergence);
      found = true;
      if (this.options.onDivergence) await this.options.onDivergence(run, index);
      else run.endDiverged();
    }
    return found;
  }

  // A step on a lost device records nothing; an uncaptured error (out of memory, validation) means
  // an earlier step did not run. Either way, later metrics would be meaningless.
  private throwIfBroken(): void {
    const raised = this.lost.error ?? this.engine.gpu.takeErrors()[0];
    if (raised) throw raised;
  }

  // A GPU or data error ends every run still going; what they recorded stays in the record. A lost
  // device or exhausted memory is the machine's limit, not the run's fault: those runs stop.
  private async endRuns(error: unknown): Promise<void> {
    const limit = await gpuLimit(error, this.engine.gpu);
    const message = limit
      ? limitStopMessage(limit, Math.min(this.step + 1, this.steps))
      : error instanceof Error
        ? error.message
        : String(error);
    for (const run of this.runs) {
      if (run.record.status !== 'running') continue;
      if (limit) run.stop(message);
      else run.fail(message);
    }
  }

  /** The comparison's record, each run's speed and memory included; the runs' GPU memory is released. */
  async finish(): Promise<ComparisonRecord> {
    const { engine, runs } = this;
    const compileMs = engine.pipelines.compiles.slice(this.compilesBefore).reduce((sum, c) => sum + c.ms, 0);
    for (const run of runs) await run.settle().catch(() => undefined);
    // A lost device cannot map the timestamp buffers; the record is still worth returning.
    const kernelTimes = (await engine.recorder.timer?.results().catch(() => undefined)) ?? [];
    for (const run of runs) describeCosts(run, compileMs, this.memory.get(run) ?? 0, kernelTimes);
    const record: ComparisonRecord = {
      format: 'continuum-comparison',
      formatVersion: 1,
      runs: runs.map((r) => r.record),
    };
    if (this.options.preset) record.preset = this.options.preset;
    for (const run of runs) run.release();
    return record;
  }
}

/**
 * Speed and memory for the record; compile time is the comparison's, shared by its runs. With
 * per-kernel timestamps (an engine created with `timing`), GPU time per step is split into forward,
 * backward and optimizer, averaged over every step including warm-up.
 */
function describeCosts(run: TrainingRun, compileMs: number, activations: number, kernelTimes: KernelTiming[]): void {
  const timed = run.timedSteps;
  const head = run.model.head.bytes();
  const backboneParams = run.model.backbone.parameters().reduce((n, t) => n + t.size, 0);
  const msPerStep: NonNullable<RunRecord['speed']>['msPerStep'] = {
    total: timed.steps > 0 ? timed.ms / timed.steps : 0,
  };
  for (const phase of ['forward', 'backward', 'optimizer'] as const) {
    const prefix = `${run.tag}:${phase}|`;
    const times = kernelTimes.filter((k) => k.label.startsWith(prefix));
    if (times.length > 0 && run.stepsTrained > 0)
      msPerStep[phase] = times.reduce((sum, k) => sum + k.totalMs, 0) / run.stepsTrained;
  }
  run.record.speed = { tokensPerSecond: run.tokensPerSecond ?? 0, compileMs, warmupMs: run.warmupMs, msPerStep };
  run.record.memory = {
    parameters: backboneParams * 4 + head.parameters,
    optimizerState: run.optimizer.stateBytes,
    activations,
    frozen: run.model.targetTable?.bytes ?? 0,
    outputLayerParams: run.model.head.paramCount,
  };
}
