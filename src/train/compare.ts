// Trains one or more runs on one device, interleaved step by step. Runs whose data settings agree
// share one Task and one batch stream, so each step feeds every run the same batch; parameters
// are seeded per name from the init seed, so the parts the runs share start from the same values.
import type { ReadAsset } from '../data/assets';
import { Batcher, type Batch } from '../data/batching';
import type { ExperimentConfig } from '../experiments/config';
import { assertWithinLimits } from '../experiments/limits';
import { prepareTask, taskKey, type Task } from '../experiments/task';
import type { UploadedData } from '../experiments/uploads';
import type { Engine } from '../tensor/engine';
import { restoreCheckpoint, saveCheckpoint } from './checkpoint';
import { baselines, type Baselines } from './baselines';
import { stopAfter } from './earlyStopping';
import { evaluate, type EvaluationOptions } from './evaluate';
import { GpuError, type GpuContext, type KernelTiming } from '../gpu';
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
  | { kind: 'checkpoint'; run: TrainingRun; index: number; bytes: Uint8Array };

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

const everyCheckpointEvery = (run: TrainingRun) => run.config.train.checkpointEvery > 0 && run.step % run.config.train.checkpointEvery === 0;

/** Batches for one (task, data seed, batch size): the same sequence for every run that uses it. */
class BatchStream {
  private batcher!: Batcher;
  private epoch: Iterator<Batch> | undefined;
  private position = 0;
  private current: Batch | undefined;

  constructor(
    private readonly task: Task,
    private readonly config: ExperimentConfig,
  ) {
    if (task.train.length === 0) throw new Error('The task has no training examples');
    this.rewind();
  }

  private rewind(): void {
    this.batcher = new Batcher(this.task.train, this.config.train.dataSeed, { size: { sentences: this.config.train.batchSentences } });
    this.epoch = undefined;
    this.position = 0;
  }

  /**
   * The batch of step `step` (0-based). Asking for an earlier step than the last (a run rolled back
   * to a checkpoint) replays the stream from its seed, which gives the same batches again.
   */
  at(step: number): Batch {
    if (step < this.position - 1) this.rewind();
    while (this.position <= step) {
      let next = this.epoch?.next();
      if (!next || next.done) {
        this.epoch = this.batcher.nextEpoch()[Symbol.iterator]();
        next = this.epoch.next();
      }
      this.current = next.value as Batch;
      this.position++;
    }
    return this.current!;
  }
}

export async function runComparison(options: ComparisonOptions): Promise<ComparisonRecord> {
  const { engine, read, runs: specs } = options;
  const evaluation: EvaluationOptions = { batchSentences: 32, decodeSentences: 100, samples: 5, ...options.evaluation };
  const tasks = new Map<string, Promise<Task>>();
  const streams = new Map<string, BatchStream>();
  const baselinesOf = new Map<string, Baselines>();
  const origin = performance.now();
  const runs: TrainingRun[] = [];
  const streamOf = new Map<TrainingRun, BatchStream>();
  const taskOf = async (config: ExperimentConfig) => {
    const key = taskKey(config);
    if (!tasks.has(key)) tasks.set(key, prepareTask(read, config, { engine, uploads: options.uploads }));
    return { key, task: await tasks.get(key)! };
  };
  // Every run is checked against the device before any model is built: a later run that cannot fit
  // must not leave the earlier ones allocated.
  for (const spec of specs) assertWithinLimits(engine.limits, spec.config, (await taskOf(spec.config)).task);
  for (const spec of specs) {
    const { key, task } = await taskOf(spec.config);
    const run = new TrainingRun(engine, task, spec.config, { label: spec.label, adapter: options.adapter, startedAt: origin, tag: `run${runs.length}` });
    if (!baselinesOf.has(key)) baselinesOf.set(key, baselines(task, evaluation.decodeSentences));
    run.record.baselines = baselinesOf.get(key)!;
    // An interruption is the machine's fault, not the run's: its time axis goes on from the checkpoint.
    if (spec.resume) run.continueClockFrom(restoreCheckpoint(run, spec.resume).wallMs);
    const streamKey = JSON.stringify([key, spec.config.train.dataSeed, spec.config.train.batchSentences]);
    if (!streams.has(streamKey)) streams.set(streamKey, new BatchStream(task, spec.config));
    streamOf.set(run, streams.get(streamKey)!);
    runs.push(run);
  }
  const steps = Math.max(...runs.map((r) => r.config.train.steps));
  await options.onProgress?.({ kind: 'prepared', runs, steps });
  for (const [index, run] of runs.entries()) if (specs[index]!.resume) await options.onProgress?.({ kind: 'restored', run, index });

  const clock = new StepClock();
  const compilesBefore = engine.pipelines.compiles.length;
  const memory = new Map<TrainingRun, number>();
  const evaluateRun = async (run: TrainingRun) => {
    await run.settle();
    if (run.record.status !== 'running') return;
    const point = await evaluate(run, evaluation);
    await options.onProgress?.({ kind: 'eval', run, index: runs.indexOf(run), point });
  };
  // saveCheckpoint settles the run first, so a divergence in its last steps shows up here: such a
  // state is not worth returning to.
  const checkpoint = async (run: TrainingRun) => {
    const bytes = await saveCheckpoint(run);
    if (!run.divergence && run.record.status === 'running') await options.onProgress?.({ kind: 'checkpoint', run, index: runs.indexOf(run), bytes });
  };

  // A step on a lost device records nothing; an uncaptured error (out of memory, validation) means
  // an earlier step did not run. Either way, later metrics would be meaningless.
  const lost = watchLoss(engine.gpu);
  const throwIfBroken = () => {
    const raised = lost.error ?? engine.gpu.takeErrors()[0];
    if (raised) throw raised;
  };
  const checkpointDue = options.checkpointDue ?? everyCheckpointEvery;
  const announced = new Set<Divergence>();
  /** Hands each new divergence to onDivergence (or fails the run); true if there was one. */
  const announceDivergences = async (): Promise<boolean> => {
    let found = false;
    for (const [index, run] of runs.entries()) {
      const divergence = run.divergence;
      if (!divergence || announced.has(divergence) || run.record.status !== 'running') continue;
      announced.add(divergence);
      found = true;
      if (options.onDivergence) await options.onDivergence(run, index);
      else run.endDiverged();
    }
    return found;
  };
  // Each pass trains the runs that are furthest behind by one step: normally all of them together;
  // after a rollback, the rolled-back run alone until it catches up.
  let step = Math.min(...runs.map((r) => r.step));
  try {
    for (;;) {
      const pending = runs.filter((run) => !run.finished);
      if (pending.length === 0) {
        // The last steps' losses land now; one of them may still trip the NaN guard.
        await Promise.all(runs.map((run) => run.settle()));
        if (await announceDivergences()) continue;
        break;
      }
      if (options.gate && !(await options.gate())) {
        // The submitted steps' metrics land first: a run that is no longer running ignores them.
        await Promise.all(runs.map((run) => run.settle()));
        for (const run of runs) if (run.record.status === 'running') run.stop(run.divergenceText);
        break;
      }
      throwIfBroken();
      const stepping = pending.filter((run) => !run.divergence);
      if (stepping.length === 0) {
        // Only diverged runs are left and the gate let the comparison go on without a decision.
        for (const run of pending) run.endDiverged();
        continue;
      }
      step = Math.min(...stepping.map((run) => run.step));
      for (const run of stepping) {
        if (run.step !== step) continue;
        const batch = streamOf.get(run)!.at(step);
        const before = engine.pool.stats.inUseBytes;
        engine.pool.resetPeak();
        await run.trainStep(batch, clock);
        if (!memory.has(run)) memory.set(run, engine.pool.stats.peakInUseBytes - before);
        const { evalEvery } = run.config.train;
        if (evalEvery > 0 && run.step % evalEvery === 0 && run.step < run.config.train.steps) {
          await evaluateRun(run);
          const bestStep = stopAfter(run.record.evals, run.config.train.patience, run.config.train.stopOn);
          // A diverged run is the divergence handler's to end, not early stopping's.
          if (bestStep !== undefined && run.record.status === 'running' && !run.divergence) run.finishEarly(bestStep);
        }
        if (checkpointDue(run)) await checkpoint(run);
      }
      await announceDivergences();
      await options.onProgress?.({ kind: 'step', step: step + 1, runs });
    }
    throwIfBroken();
    for (const run of runs) {
      await evaluateRun(run);
      if (run.record.status === 'running') run.record.status = 'finished';
    }
  } catch (error) {
    // A GPU or data error ends every run still going; what they recorded stays in the record. A lost
    // device or exhausted memory is the machine's limit, not the run's fault: those runs stop.
    const limit = await gpuLimit(error, engine.gpu);
    const message = limit ? limitMessage(limit, Math.min(step + 1, steps)) : error instanceof Error ? error.message : String(error);
    for (const run of runs) {
      if (run.record.status !== 'running') continue;
      if (limit) run.stop(message);
      else run.fail(message);
    }
  }

  const compileMs = engine.pipelines.compiles.slice(compilesBefore).reduce((sum, c) => sum + c.ms, 0);
  for (const run of runs) await run.settle().catch(() => undefined);
  // A lost device cannot map the timestamp buffers; the record is still worth returning.
  const kernelTimes = (await engine.recorder.timer?.results().catch(() => undefined)) ?? [];
  for (const run of runs) describeCosts(run, compileMs, memory.get(run) ?? 0, kernelTimes);
  const record: ComparisonRecord = { format: 'continuum-comparison', formatVersion: 1, runs: runs.map((r) => r.record) };
  if (options.preset) record.preset = options.preset;
  for (const run of runs) run.release();
  return record;
}

/** Set once the device is lost; a closure of its own, so it holds nothing of the comparison. */
function watchLoss(gpu: GpuContext): { error?: GpuError } {
  const state: { error?: GpuError } = {};
  void gpu.lost.then((error) => (state.error = error));
  return state;
}

const isLimit = (error: unknown): error is GpuError => error instanceof GpuError && (error.kind === 'device-lost' || error.kind === 'out-of-memory');

/**
 * The device loss or out-of-memory error behind `error`, if any. After a loss, reads fail with plain
 * errors ("mapAsync … device lost") and `lost` may settle just after them, so it gets a moment.
 */
async function gpuLimit(error: unknown, gpu: GpuContext): Promise<GpuError | undefined> {
  if (isLimit(error)) return error;
  return Promise.race([gpu.lost, new Promise<undefined>((resolve) => setTimeout(resolve, 100))]);
}

function limitMessage(error: GpuError, step: number): string {
  const what = error.kind === 'device-lost' ? 'The GPU device was lost' : 'The GPU ran out of memory';
  return (
    `${what} at step ${step}; the runs stopped and the metrics recorded until then are kept. Resume them from ` +
    'their last checkpoint to continue on a fresh device, and if it happens again try a smaller preset or ' +
    `lower settings (train.batchSentences, model.dModel, data.targetVocab, data.maxLength). Details: ${error.message}`
  );
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
  const msPerStep: NonNullable<RunRecord['speed']>['msPerStep'] = { total: timed.steps > 0 ? timed.ms / timed.steps : 0 };
  for (const phase of ['forward', 'backward', 'optimizer'] as const) {
    const prefix = `${run.tag}:${phase}|`;
    const times = kernelTimes.filter((k) => k.label.startsWith(prefix));
    if (times.length > 0 && run.stepsTrained > 0) msPerStep[phase] = times.reduce((sum, k) => sum + k.totalMs, 0) / run.stepsTrained;
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
