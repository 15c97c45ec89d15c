// Messages between the page and the synthetic-bottleneck worker (src/app/worker/bottleneck.worker.ts).
// A sweep is a list of small independent fits, so results travel one (head, d) row at a time.
import type { BottleneckConfig } from '../experiments/bottleneck';
import type { BottleneckProgress, BottleneckRow } from './bottleneck';

export type BottleneckCommand = { type: 'start'; config: BottleneckConfig } | { type: 'stop' };

export interface BottleneckTaskSummary {
  /** Mean H(p*), nats: the floor of every head's cross-entropy. */
  entropy: number;
  /** Numeric rank of log p*, to set against the sweep's d. */
  logProbRank: number;
}

export type BottleneckEvent =
  | { type: 'adapter'; line: string }
  | { type: 'task'; summary: BottleneckTaskSummary }
  | { type: 'progress'; progress: BottleneckProgress }
  | { type: 'row'; row: BottleneckRow }
  /** `complete` is false when a stop ended the sweep early; the rows sent so far stand. */
  | { type: 'finished'; complete: boolean }
  | { type: 'failed'; message: string };
