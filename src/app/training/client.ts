// The page's handles on its workers: typed commands out, typed events in. A worker that cannot even
// load (a syntax error, a missing file) still ends in a failure event, never silence.
import type { BottleneckCommand, BottleneckEvent } from '../../train/bottleneckProtocol';
import {
  heartbeatIntervalMs,
  type PageCommand,
  type StartCommand,
  type WorkerEvent,
  type WorkerState,
} from '../../train/protocol';
import { HeartbeatWatchdog } from './heartbeat';

export type StartRequest = Omit<StartCommand, 'type' | 'baseUrl'> & { baseUrl?: string };

/** The literal `new Worker(new URL(…))` form is what Vite recognises and bundles as a module worker. */
function spawnTrainingWorker(): Worker {
  return new Worker(new URL('../worker/training.worker.ts', import.meta.url), {
    type: 'module',
    name: 'continuum-training',
  });
}

/**
 * One training worker started with the page, its modules loaded while the visitor reads (~0.9 s
 * under the dev server), for the first comparison to take. Only one: later comparisons start their
 * own. A spare that failed to load is dropped, and a fresh worker reports the failure to its client.
 */
let spare: { worker: Worker; failed: boolean } | undefined;

export function prepareTrainingWorker(): void {
  if (spare || typeof Worker === 'undefined') return;
  const entry = { worker: spawnTrainingWorker(), failed: false };
  entry.worker.addEventListener('error', () => (entry.failed = true), { once: true });
  spare = entry;
}

function takeTrainingWorker(): Worker {
  const taken = spare;
  spare = undefined;
  if (taken && !taken.failed) return taken.worker;
  taken?.worker.terminate();
  return spawnTrainingWorker();
}

function spawnBottleneckWorker(): Worker {
  return new Worker(new URL('../worker/bottleneck.worker.ts', import.meta.url), {
    type: 'module',
    name: 'continuum-bottleneck',
  });
}

/** Where the app is served from, as an absolute URL the worker can fetch data below. */
function appBaseUrl(): string {
  return new URL(import.meta.env.BASE_URL, document.baseURI).href;
}

/**
 * One worker, called `what` in messages ("training worker"); `failure` turns a message about the
 * worker itself into the events its listeners expect.
 */
export class WorkerClient<Command, Event> {
  private readonly listeners = new Set<(event: Event) => void>();

  constructor(
    private readonly worker: Worker,
    what: string,
    failure: (message: string) => Event[],
  ) {
    const fail = (message: string) => failure(message).forEach((event) => this.emit(event));
    worker.addEventListener('message', (event: MessageEvent<Event>) => this.emit(event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      fail(`The ${what} could not run: ${event.message || 'its script failed to load'}.`);
    });
    worker.addEventListener('messageerror', () => fail(`The ${what} sent a message the page could not read.`));
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  on(listener: (event: Event) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(command: Command, transfer: Transferable[] = []): void {
    this.worker.postMessage(command, transfer);
  }

  /** Ends the worker at once (and its GPU device with it); no further events. */
  terminate(): void {
    this.listeners.clear();
    this.worker.terminate();
  }

  protected emit(event: Event): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** States after which the worker has nothing left to lose: its end is no longer news. */
const settled: ReadonlySet<WorkerState> = new Set(['finished', 'stopped', 'failed', 'interrupted']);

export class TrainingClient extends WorkerClient<PageCommand, WorkerEvent> {
  private stopWatching: () => void = () => {};

  constructor(worker: Worker = takeTrainingWorker()) {
    super(worker, 'training worker', (message) => [
      { type: 'error', message },
      { type: 'status', state: 'failed', message },
    ]);
    this.watchHeartbeat();
  }

  /**
   * A worker killed without an error event (ended from outside, or by the browser) goes silent: once
   * its heartbeat has been missing for the timeout, the page hears of it as of a crash, and can
   * resume the runs from their checkpoints.
   */
  private watchHeartbeat(): void {
    const channel = new MessageChannel();
    const watchdog = new HeartbeatWatchdog();
    channel.port1.onmessage = () => watchdog.beat();
    this.send({ type: 'heartbeat', port: channel.port2 }, [channel.port2]);
    const timer = setInterval(() => {
      const silent = watchdog.silence();
      if (silent === undefined) return;
      this.stopWatching();
      this.emit({
        type: 'crashed',
        message: `it stopped without an error: no heartbeat for ${Math.round(silent / 1000)} s`,
      });
    }, heartbeatIntervalMs);
    this.stopWatching = () => {
      clearInterval(timer);
      channel.port1.close();
    };
    this.on((event) => {
      if (event.type === 'crashed' || (event.type === 'status' && settled.has(event.state))) this.stopWatching();
    });
  }

  override terminate(): void {
    this.stopWatching();
    super.terminate();
  }

  start({ baseUrl = appBaseUrl(), ...request }: StartRequest): void {
    this.send({ type: 'start', baseUrl, ...request });
  }

  pause(): void {
    this.send({ type: 'pause' });
  }

  resume(): void {
    this.send({ type: 'resume' });
  }

  /** One step, then paused. */
  step(): void {
    this.send({ type: 'step' });
  }

  /** Ends the runs at the next step; the worker still sends the record of what they did. */
  stop(): void {
    this.send({ type: 'stop' });
  }
}

export function bottleneckClient(
  worker: Worker = spawnBottleneckWorker(),
): WorkerClient<BottleneckCommand, BottleneckEvent> {
  return new WorkerClient<BottleneckCommand, BottleneckEvent>(worker, 'bottleneck worker', (message) => [
    { type: 'failed', message },
  ]);
}
