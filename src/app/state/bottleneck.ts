// The synthetic softmax-bottleneck experiment on the page: its settings (validated by the same schema
// as the CLI's), the worker running the sweep, and the rows measured so far.
import { create } from 'zustand';
import { bottleneckSchema, type BottleneckConfig } from '../../experiments/bottleneck';
import { formatIssues } from '../../experiments/configIssues';
import type { BottleneckProgress, BottleneckRow } from '../../train/bottleneck';
import type { BottleneckEvent, BottleneckTaskSummary } from '../../train/bottleneckProtocol';
import { defaultBottleneckConfig } from '../share/bottleneckUrl';
import { bottleneckClient } from '../training/client';

export type SweepState = 'idle' | 'running' | 'finished' | 'stopped' | 'failed';

export interface SweepView {
  state: SweepState;
  /** The settings the rows below were measured with (the form may have changed since). */
  measured?: BottleneckConfig;
  rows: BottleneckRow[];
  task?: BottleneckTaskSummary;
  progress?: BottleneckProgress;
  adapter?: string;
  message?: string;
}

interface BottleneckStore extends SweepView {
  config: BottleneckConfig;
  /** Rejected edits by setting name, with the schema's message. */
  errors: Record<string, string>;
  warnings: string[];
  autostart: boolean;
  setSetting(key: keyof BottleneckConfig, value: unknown): void;
  replace(config: BottleneckConfig, autostart: boolean, warnings?: string[]): void;
  setAutostart(autostart: boolean): void;
  dismissWarnings(): void;
  start(): void;
  /** Ends the sweep before its next step; the rows measured so far stay. */
  stop(): void;
}

/** A worker event applied to the sweep on screen. */
export function foldSweepEvent(view: SweepView, event: BottleneckEvent): Partial<SweepView> {
  switch (event.type) {
    case 'adapter':
      return { adapter: event.line };
    case 'task':
      return { task: event.summary };
    case 'progress':
      return { progress: event.progress };
    case 'row':
      return { rows: [...view.rows, event.row] };
    case 'finished':
      return event.complete
        ? { state: 'finished', progress: undefined }
        : {
            state: 'stopped',
            progress: undefined,
            message: `Stopped after ${view.rows.length} of the sweep's fits; their rows are kept.`,
          };
    case 'failed':
      return { state: 'failed', message: event.message };
  }
}

let client: ReturnType<typeof bottleneckClient> | undefined;

export const useBottleneckStore = create<BottleneckStore>()((set, get) => ({
  config: defaultBottleneckConfig,
  errors: {},
  warnings: [],
  autostart: false,
  state: 'idle',
  rows: [],

  setSetting(key, value) {
    const { [key]: _, ...rest } = get().errors;
    const result = bottleneckSchema.safeParse({ ...get().config, [key]: value }, { reportInput: true });
    if (result.success) set({ config: result.data as BottleneckConfig, errors: rest });
    else set({ errors: { ...rest, [key]: formatIssues(result.error).join('; ') } });
  },
  replace(config, autostart, warnings = []) {
    set({ config, autostart, warnings, errors: {} });
  },
  setAutostart: (autostart) => set({ autostart }),
  dismissWarnings: () => set({ warnings: [] }),

  start() {
    client?.terminate();
    const current = bottleneckClient();
    client = current;
    const config = get().config;
    set({
      state: 'running',
      measured: config,
      rows: [],
      task: undefined,
      progress: undefined,
      adapter: undefined,
      message: undefined,
    });
    current.on((event) => {
      set((view) => foldSweepEvent(view, event));
      // The worker's device is freed with it once the sweep is over.
      if (event.type === 'finished' || event.type === 'failed') current.terminate();
    });
    current.send({ type: 'start', config });
  },
  stop: () => client?.send({ type: 'stop' }),
}));
