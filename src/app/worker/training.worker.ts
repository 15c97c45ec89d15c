// The training worker: one comparison per worker, on a WebGPU device of its own, so recording and
// submitting steps never competes with the page's rendering. It checkpoints the runs on a schedule
// (src/train/checkpointSchedule.ts) and sends each checkpoint to the page, which can resume the runs
// in a new worker after a lost device or a crash. A run whose loss turns NaN pauses the comparison
// until the page decides what to do with it. An expected failure becomes an `error` message plus a
// `failed` status; an unexpected one, a `crashed` message, after which the worker closes itself. A
// nested worker beats its heartbeat to the page, so a death with no message is noticed too.
import { fetchAssets } from '../../data/assets';
import { parseConfig } from '../../experiments/config';
import { ConfigError } from '../../experiments/configIssues';
import { catalogWith, noUploads } from '../../experiments/uploads';
import { GpuError, acquireGpu, adapterLine, type GpuContext } from '../../gpu';
import { Engine } from '../../tensor/engine';
import { describeTuned, tuneKernels, untimed } from '../../tensor/ops/tunables';
import { precompileMatmulKernels } from '../../tensor/ops/matmulVariants';
import { rollBack } from '../../train/checkpoint';
import { checkpointSchedule } from '../../train/checkpointSchedule';
import { runComparison } from '../../train/compare';
import { StepGate } from '../../train/gate';
import {
  ProgressReporter,
  comparisonOutcome,
  type DivergenceAction,
  type Fault,
  type HeldRun,
  type PageCommand,
  type RunCheckpoint,
  type StartCommand,
  type WorkerEvent,
} from '../../train/protocol';
import type { TrainingRun } from '../../train/run';
import { runWeights } from '../../train/weights';
import { indexedDbKernelChoices } from '../kernelChoiceStore';

// The app compiles against the DOM library, whose `self` is a Window: name the worker side we use.
const port = self as unknown as {
  postMessage(event: WorkerEvent, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<PageCommand>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  addEventListener(type: 'unhandledrejection', listener: (event: PromiseRejectionEvent) => void): void;
  close(): void;
};
const post = (event: WorkerEvent, transfer: Transferable[] = []) => port.postMessage(event, transfer);
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

function report(error: unknown, during: string): void {
  const message = `Training failed while ${during}: ${describe(error)}`;
  post(error instanceof GpuError ? { type: 'error', message, kind: error.kind } : { type: 'error', message });
  post({ type: 'status', state: 'failed', message });
}

let started = false;
let runs: TrainingRun[] = [];
let gpu: GpuContext | undefined;
let deviceLost = false;
/** Each run's latest checkpoint, by run index: where a diverged run rolls back to. */
const latest: RunCheckpoint[] = [];
/** Diverged runs awaiting the page's decision, by run index. */
const held = new Map<number, HeldRun>();
const heldMessage = () => (held.size > 0 ? [...held.values()].map((run) => run.message).join('\n') : undefined);
const reporter = new ProgressReporter(post);
const gate = new StepGate({
  // Results land a few steps late; wait for them so the paused page shows every step it counts.
  async onPause() {
    await Promise.all(runs.map((run) => run.settle())).catch(() => undefined);
    reporter.flush(runs.map((run) => run.record));
    post({ type: 'status', state: 'paused', message: heldMessage() });
  },
  onResume: () => post({ type: 'status', state: 'running' }),
});

/**
 * The NaN guard tripped: pause everything and ask the page. The guard reads losses a few steps late,
 * so the steps after the bad one have run; rolling back to the last checkpoint undoes them all. A
 * rollback that changed nothing would meet the same NaN again (batches and dropout masks depend only
 * on the seeds and the step), so it halves the learning rate; the alternative is to end the run.
 */
function holdDiverged(run: TrainingRun, index: number): void {
  const checkpoint = latest[index];
  const choice = checkpoint
    ? `Roll it back to its checkpoint at step ${checkpoint.step} with half the learning rate, or end it and let the other runs go on.`
    : 'It has no checkpoint to roll back to yet: end it and let the other runs go on, or start again with a lower train.learningRate.';
  const message = `${run.divergenceText}. Training paused; every metric recorded is kept. ${choice}`;
  held.set(index, { runIndex: index, message, ...(checkpoint ? { rollbackStep: checkpoint.step } : {}) });
  post({ type: 'held', runs: [...held.values()] });
  gate.set('pause');
}

async function decide(index: number, action: DivergenceAction): Promise<void> {
  const run = runs[index];
  const checkpoint = latest[index];
  if (!run || !held.delete(index)) return;
  // Its last steps' reads must land before its record is replaced, or they would come back in it.
  await run.settle().catch(() => undefined);
  if (action === 'rollback' && checkpoint) {
    rollBack(run, checkpoint.bytes);
    reporter.rewind(index, run.record.metrics.length);
    post({ type: 'restored', runIndex: index, metrics: run.record.metrics, evals: run.record.evals });
  } else {
    run.endDiverged();
    reporter.flush(runs.map((r) => r.record));
  }
  post({ type: 'held', runs: [...held.values()] });
  if (held.size === 0) gate.set('run');
}

/**
 * A finished run's weights go to the page at once, while its parameters are still on the GPU: the
 * worker releases them when the comparison ends. Failing to read them fails the export, not the run.
 */
async function sendWeights(run: TrainingRun, index: number): Promise<void> {
  try {
    const bytes = await runWeights(run);
    post({ type: 'weights', runIndex: index, bytes }, [bytes.buffer]);
  } catch (error) {
    post({ type: 'weights', runIndex: index, error: `The weights could not be read: ${describe(error)}` });
  }
}

/** Test-only (PageCommand `simulateFault`): the failures the page must survive. */
function simulate(fault: Fault): void {
  if (fault === 'device-lost') gpu?.destroy();
  if (fault === 'divergence') {
    const run = runs.at(-1);
    const weight = run?.parameters[0];
    if (run && weight) run.engine.write(weight, new Float32Array(weight.size).fill(Number.NaN));
  }
  if (fault === 'crash') {
    setTimeout(() => {
      throw new Error('Simulated crash (the test-only simulateFault command)');
    });
  }
}

async function train(command: StartCommand): Promise<void> {
  post({ type: 'status', state: 'preparing' });
  let phase = 'checking the settings';
  try {
    // Checked against the uploads that actually arrived, which is what the runs will read.
    const catalog = catalogWith(command.uploads ?? noUploads);
    for (const run of command.runs) {
      const result = parseConfig(run.config, catalog);
      if ('errors' in result) throw new ConfigError(result.errors);
    }
    phase = 'opening the GPU';
    const context = await acquireGpu(navigator.gpu);
    gpu = context;
    const engine = new Engine(context, { backgroundCompiles: true });
    phase = 'choosing kernels for this GPU';
    // The stored choices, or the adapter's defaults where this adapter has none yet: timing them
    // first held the first point back by ~20 s on SwiftShader. They are timed after the comparison.
    const store = indexedDbKernelChoices();
    const tuned = await tuneKernels(engine, store, { timeIfMissing: false });
    post({ type: 'adapter', summary: context.adapter, kernels: describeTuned(tuned) });
    // The products' kernels compile while the data is read; the slow 32×32 blocks once the first
    // step is done, not beside it: the first point first.
    precompileMatmulKernels(engine);
    engine.pipelines.holdBackground();
    // A loss while paused would go unnoticed until resumed: let the comparison see it and stop the runs.
    void context.lost.then(() => {
      deviceLost = true;
      gate.set('run');
    });
    phase = 'preparing the data and models';
    const record = await runComparison({
      engine,
      read: fetchAssets(command.baseUrl),
      adapter: adapterLine(context.adapter),
      runs: command.runs,
      preset: command.preset,
      evaluation: command.evaluation,
      uploads: command.uploads,
      gate: gate.next,
      checkpointDue: checkpointSchedule(),
      onDivergence: holdDiverged,
      async onProgress(event) {
        if (event.kind === 'prepared') {
          phase = 'training';
          runs = event.runs;
          post({ type: 'prepared', runs: event.runs.length, steps: event.steps });
          post({ type: 'status', state: 'running' });
        } else if (event.kind === 'restored') {
          const { run, index } = event;
          latest[index] = { step: run.step, bytes: command.runs[index]!.resume! };
          reporter.rewind(index, run.record.metrics.length);
          post({ type: 'restored', runIndex: index, metrics: run.record.metrics, evals: run.record.evals });
        } else if (event.kind === 'step') {
          engine.pipelines.releaseBackground();
          reporter.update(
            event.step,
            runs.map((run) => run.record),
          );
        } else if (event.kind === 'eval') {
          post({ type: 'eval', runIndex: event.index, point: event.point });
        } else if (event.kind === 'checkpoint') {
          latest[event.index] = { step: event.run.step, bytes: event.bytes };
          // The page gets a copy of its own, transferred: a large checkpoint is not copied again on its main thread.
          const bytes = event.bytes.slice();
          post({ type: 'checkpoint', runIndex: event.index, step: event.run.step, bytes }, [bytes.buffer]);
        } else if (event.kind === 'finished') {
          await sendWeights(event.run, event.index);
        }
      },
    });
    held.clear();
    reporter.flush(record.runs);
    post({ type: 'finished', record });
    post({ type: 'status', ...comparisonOutcome(record, deviceLost) });
    runs = [];
    // For the next comparison on this adapter (the page keeps this worker until then).
    if (untimed(tuned) && !deviceLost) await tuneKernels(engine, store);
    engine.destroy();
    context.destroy();
  } catch (error) {
    report(error, phase);
  }
}

port.addEventListener('message', ({ data: command }) => {
  if (command.type === 'start') {
    if (started)
      post({
        type: 'error',
        message: 'This training worker already ran a comparison; start a new worker for another.',
      });
    else {
      started = true;
      void train(command);
    }
  } else if (command.type === 'divergence') {
    void decide(command.runIndex, command.action);
  } else if (command.type === 'simulateFault') {
    simulate(command.fault);
  } else if (command.type === 'heartbeat') {
    // Vite bundles a nested module worker from this literal form, as for the page's own workers.
    const heartbeat = new Worker(new URL('./heartbeat.worker.ts', import.meta.url), {
      type: 'module',
      name: 'continuum-heartbeat',
    });
    heartbeat.postMessage(command.port, [command.port]);
  } else if (held.size > 0 && (command.type === 'resume' || command.type === 'step')) {
    // The held runs need a decision first; the others would otherwise leave them behind.
    post({ type: 'status', state: 'paused', message: heldMessage() });
  } else {
    gate.set(command.type === 'resume' ? 'run' : command.type);
  }
});

// Anything that reaches these is a bug or a broken environment: the worker's state is unknown, so
// it says what happened and closes; the page keeps the metrics and can resume from checkpoints.
function crash(error: unknown): void {
  post({ type: 'crashed', message: describe(error) });
  port.close();
}
port.addEventListener('error', (event) => {
  event.preventDefault();
  crash(event.error ?? event.message);
});
port.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  crash(event.reason);
});
