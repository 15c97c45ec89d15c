// The page's training view over a long comparison: what the store keeps must grow with the metric
// points and evaluations alone. A fold that kept earlier views, copied every point per event, or
// kept every checkpoint's bytes would hold far more than the points. (This counts what the view
// reaches, not the page's heap: plots and React are not in it.)
import { describe, expect, it } from 'vitest';
import { foldEvent, startingView, type TrainingView } from '../../src/app/state/fold';
import { defaultConfig } from '../../src/experiments/config';
import type { WorkerEvent } from '../../src/train/protocol';
import type { EvalPoint, MetricPoint } from '../../src/train/record';

const runs = [
  { label: 'head: softmax', config: defaultConfig },
  { label: 'head: vmf', config: defaultConfig },
];
const steps = 1000;
const every = 100;
const checkpointBytes = 4096;

/** Distinct objects and arrays the view reaches, and the bytes of the typed arrays among them. */
function reachable(view: TrainingView): { objects: number; bytes: number } {
  const seen = new Set<object>();
  let bytes = 0;
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if (ArrayBuffer.isView(value)) bytes += value.byteLength;
    else for (const child of Object.values(value)) visit(child);
  };
  visit(view);
  return { objects: seen.size, bytes };
}

/** A comparison's events as the worker sends them: a point per run each step, evaluations and checkpoints. */
function* comparisonEvents(sent: MetricPoint[][]): Generator<WorkerEvent> {
  for (let step = 1; step <= steps; step++) {
    const points = runs.map(
      (): MetricPoint => ({ step, wallMs: step, tokens: 8 * step, loss: 1 / step, learningRate: 1e-3 }),
    );
    points.forEach((p, i) => sent[i]!.push(p));
    yield {
      type: 'progress',
      step,
      runs: runs.map((r, i) => ({ label: r.label, status: 'running', metrics: [points[i]!] })),
    };
    if (step % every !== 0) continue;
    for (const runIndex of runs.keys()) {
      const point: EvalPoint = { step, wallMs: step, validLoss: 1, accuracy1: 0.5, accuracy5: 0.7 };
      yield { type: 'eval', runIndex, point };
      yield { type: 'checkpoint', runIndex, step, bytes: new Uint8Array(checkpointBytes) };
    }
  }
}

describe('the training view over a long comparison', () => {
  it('holds each metric point once, by reference, and only the latest checkpoint per run', () => {
    const start = startingView(runs);
    const sent: MetricPoint[][] = runs.map(() => []);
    let view = start;
    for (const event of comparisonEvents(sent)) view = foldEvent(view, event);

    view.records.forEach((record, i) => {
      expect(record.metrics).toHaveLength(steps);
      // The very objects the worker sent: no copy of a point per event.
      expect(record.metrics.every((p, j) => p === sent[i]![j])).toBe(true);
      expect(record.evals).toHaveLength(steps / every);
    });
    expect(view.checkpoints.map((c) => c?.step)).toEqual([steps, steps]);

    // Beyond the starting view: the points, the evaluation points, and per run one checkpoint entry
    // and its bytes. Nothing of the 2,000 earlier views survives in the last one.
    const before = reachable(start);
    const after = reachable(view);
    const evaluations = runs.length * (steps / every);
    expect(after.objects - before.objects).toBe(runs.length * steps + evaluations + 2 * runs.length);
    expect(after.bytes - before.bytes).toBe(runs.length * checkpointBytes);
  });
});
