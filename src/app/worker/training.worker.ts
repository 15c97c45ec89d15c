// The training worker: one comparison per worker, on a WebGPU device of its own, so recording and
// submitting steps never competes with the page's rendering. Every failure becomes an `error`
// message plus a `failed` status; nothing is left to throw unhandled.
import { fetchAssets } from '../../data/assets';
import { ConfigError, parseConfig } from '../../experiments/config';
import { catalogWith, noUploads } from '../../experiments/uploads';
import { GpuError, acquireGpu, adapterLine } from '../../gpu';
import { Engine } from '../../tensor/engine';
import { runComparison } from '../../train/compare';
import { StepGate } from '../../train/gate';
import { ProgressReporter, comparisonOutcome, type PageCommand, type StartCommand, type WorkerEvent } from '../../train/protocol';
import type { TrainingRun } from '../../train/run';

// The app compiles against the DOM library, whose `self` is a Window: name the worker side we use.
const port = self as unknown as {
  postMessage(event: WorkerEvent): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<PageCommand>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  addEventListener(type: 'unhandledrejection', listener: (event: PromiseRejectionEvent) => void): void;
};
const post = (event: WorkerEvent) => port.postMessage(event);

function report(error: unknown, during: string): void {
  const text = error instanceof Error ? error.message : String(error);
  const message = `Training failed while ${during}: ${text}`;
  post(error instanceof GpuError ? { type: 'error', message, kind: error.kind } : { type: 'error', message });
  post({ type: 'status', state: 'failed', message });
}

let started = false;
let runs: TrainingRun[] = [];
const reporter = new ProgressReporter(post);
const gate = new StepGate({
  // Results land a few steps late; wait for them so the paused page shows every step it counts.
  async onPause() {
    await Promise.all(runs.map((run) => run.settle())).catch(() => undefined);
    reporter.flush(runs.map((run) => run.record));
    post({ type: 'status', state: 'paused' });
  },
  onResume: () => post({ type: 'status', state: 'running' }),
});

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
    const gpu = await acquireGpu(navigator.gpu);
    post({ type: 'adapter', summary: gpu.adapter });
    const engine = new Engine(gpu);
    // A loss while paused would go unnoticed until resumed: let the comparison see it and stop the runs.
    void gpu.lost.then(() => gate.set('run'));
    phase = 'preparing the data and models';
    const record = await runComparison({
      engine,
      read: fetchAssets(command.baseUrl),
      adapter: adapterLine(gpu.adapter),
      runs: command.runs,
      preset: command.preset,
      evaluation: command.evaluation,
      uploads: command.uploads,
      gate: gate.next,
      onProgress(event) {
        if (event.kind === 'prepared') {
          phase = 'training';
          post({ type: 'prepared', runs: event.runs, steps: event.steps });
          post({ type: 'status', state: 'running' });
        } else if (event.kind === 'step') {
          runs = event.runs;
          reporter.update(event.step, runs.map((run) => run.record));
        } else if (event.kind === 'eval') {
          post({ type: 'eval', runIndex: event.index, point: event.point });
        }
      },
    });
    reporter.flush(record.runs);
    post({ type: 'finished', record });
    post({ type: 'status', ...comparisonOutcome(record) });
    runs = [];
    engine.destroy();
    gpu.destroy();
  } catch (error) {
    report(error, phase);
  }
}

port.addEventListener('message', ({ data: command }) => {
  if (command.type !== 'start') {
    gate.set(command.type === 'resume' ? 'run' : command.type);
  } else if (started) {
    post({ type: 'error', message: 'This training worker already ran a comparison; start a new worker for another.' });
  } else {
    started = true;
    void train(command);
  }
});
// Handled here, so the page's Worker gets no second, vaguer copy of the same failure.
port.addEventListener('error', (event) => {
  event.preventDefault();
  report(event.error ?? event.message, 'running');
});
port.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  report(event.reason, 'running');
});
