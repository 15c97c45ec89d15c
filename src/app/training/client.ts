// The page's handle on one training worker: typed commands out, typed events in. A worker that
// cannot even load (a syntax error, a missing file) still ends in an `error` event, never silence.
import type { PageCommand, StartCommand, WorkerEvent } from '../../train/protocol';

export type TrainingListener = (event: WorkerEvent) => void;

export type StartRequest = Omit<StartCommand, 'type' | 'baseUrl'> & { baseUrl?: string };

/** The literal `new Worker(new URL(…))` form is what Vite recognises and bundles as a module worker. */
export function spawnTrainingWorker(): Worker {
  return new Worker(new URL('../worker/training.worker.ts', import.meta.url), { type: 'module', name: 'continuum-training' });
}

/** Where the app is served from, as an absolute URL the worker can fetch data below. */
export function appBaseUrl(): string {
  return new URL(import.meta.env.BASE_URL, document.baseURI).href;
}

export class TrainingClient {
  private readonly listeners = new Set<TrainingListener>();

  constructor(private readonly worker: Worker = spawnTrainingWorker()) {
    worker.addEventListener('message', (event: MessageEvent<WorkerEvent>) => this.emit(event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.fail(`The training worker could not run: ${event.message || 'its script failed to load'}.`);
    });
    worker.addEventListener('messageerror', () => this.fail('The training worker sent a message the page could not read.'));
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  on(listener: TrainingListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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

  /** Ends the worker at once (and its GPU device with it); no further events. */
  terminate(): void {
    this.listeners.clear();
    this.worker.terminate();
  }

  private send(command: PageCommand): void {
    this.worker.postMessage(command);
  }

  private fail(message: string): void {
    this.emit({ type: 'error', message });
    this.emit({ type: 'status', state: 'failed', message });
  }

  private emit(event: WorkerEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
