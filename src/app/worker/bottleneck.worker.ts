// The synthetic softmax-bottleneck sweep in a worker of its own, on its own WebGPU device: the page
// stays responsive while every head is fitted at every d, and each measured row is posted at once.
import {
  bottleneckTask,
  numericRank,
  parseBottleneckConfig,
  type BottleneckConfig,
} from '../../experiments/bottleneck';
import { acquireGpu, adapterLine } from '../../gpu';
import { Engine } from '../../tensor/engine';
import { describeTuned, tuneKernels } from '../../tensor/ops/tunables';
import { indexedDbKernelChoices } from '../kernelChoiceStore';
import { runBottleneck } from '../../train/bottleneck';
import type { BottleneckCommand, BottleneckEvent } from '../../train/bottleneckProtocol';

const port = self as unknown as {
  postMessage(event: BottleneckEvent): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<BottleneckCommand>) => void): void;
  addEventListener(type: 'unhandledrejection', listener: (event: PromiseRejectionEvent) => void): void;
};
const post = (event: BottleneckEvent) => port.postMessage(event);
const fail = (error: unknown) =>
  post({ type: 'failed', message: `The sweep failed: ${error instanceof Error ? error.message : String(error)}` });

let started = false;
let stopRequested = false;

async function sweep(input: BottleneckConfig): Promise<void> {
  // The page validated these settings, but a message is input like any other.
  const config = parseBottleneckConfig(input);
  const gpu = await acquireGpu(navigator.gpu);
  const engine = new Engine(gpu);
  try {
    // Stored choices or the adapter's defaults, never timed here: the page ends this worker with the
    // sweep (a training comparison or the self-test times and stores them).
    const kernels = describeTuned(await tuneKernels(engine, indexedDbKernelChoices(), { timeIfMissing: false }));
    post({ type: 'adapter', line: `${adapterLine(gpu.adapter)}. Kernels: ${kernels.join('; ')}` });
    const task = bottleneckTask(config);
    post({
      type: 'task',
      summary: { entropy: task.entropy, logProbRank: numericRank(task.logProbs, task.contexts, task.vocab) },
    });
    const { complete } = await runBottleneck(engine, config, {
      onProgress: (progress) => post({ type: 'progress', progress }),
      onRow: (row) => post({ type: 'row', row }),
      shouldStop: () => stopRequested,
    });
    post({ type: 'finished', complete });
  } finally {
    engine.destroy();
    gpu.destroy();
  }
}

port.addEventListener('message', ({ data: command }) => {
  if (command.type === 'stop') stopRequested = true;
  else if (!started) {
    started = true;
    sweep(command.config).catch(fail);
  }
});
port.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  fail(event.reason);
});
