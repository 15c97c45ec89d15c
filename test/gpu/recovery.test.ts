// What a comparison survives: a run whose loss turns NaN (it fails, or its caller rolls it back to a
// checkpoint at a lower learning rate and it catches up), and a lost device (the runs resume from
// their checkpoints on a fresh device and end exactly as an uninterrupted comparison does).
import { describe, expect, it } from 'vitest';
import { readNodeAsset } from '../../src/data/assetsNode';
import { applyOverrides } from '../../src/experiments/overrides';
import { acquireNodeGpu } from '../../src/gpu/nodeGpu';
import { Engine } from '../../src/tensor/engine';
import { rollBack } from '../../src/train/checkpoint';
import { runComparison, type ComparisonOptions, type ProgressEvent, type RunSpec } from '../../src/train/compare';
import type { TrainingRun } from '../../src/train/run';
import { getEngine } from '../helpers/gpu';
import { tinyReverseTask } from '../helpers/reverseTask';

// Dropout on: resuming must reproduce its masks too.
const tiny = applyOverrides(tinyReverseTask, { 'train.steps': 8, 'train.logEvery': 1, 'model.dropout': 0.1 });
const runs: RunSpec[] = [
  { label: 'softmax', config: applyOverrides(tiny, { head: { kind: 'softmax' } }) },
  {
    label: 'NLLvMF',
    config: applyOverrides(tiny, { head: { kind: 'vmf', regularizer: { kind: 'none' }, approximate: false } }),
  },
];
const evaluation = { decodeSentences: 4 };
const base = { read: readNodeAsset, adapter: 'test', evaluation } satisfies Partial<ComparisonOptions>;

/** Blows up the NLLvMF run's first weight once after each of `steps`, as a diverging run would leave it. */
function poisonAfter(...steps: number[]): (event: ProgressEvent) => void {
  const done = new Set<number>();
  return (event) => {
    if (event.kind !== 'step' || !steps.includes(event.step) || done.has(event.step)) return;
    done.add(event.step);
    const weight = event.runs[1]!.parameters[0]!;
    event.runs[1]!.engine.write(weight, new Float32Array(weight.size).fill(Number.NaN));
  };
}

const stepsOf = (run: { metrics: { step: number }[] }) => run.metrics.map((m) => m.step);
const oneToEight = [1, 2, 3, 4, 5, 6, 7, 8];

describe('a diverged run', () => {
  it('fails at once, naming step, head and run, when nobody handles it; the other run trains to the end', async () => {
    const record = await runComparison({ ...base, engine: await getEngine(), runs, onProgress: poisonAfter(3) });
    const [softmax, vmf] = record.runs;
    expect(softmax!.status).toBe('finished');
    expect(stepsOf(softmax!)).toEqual(oneToEight);
    expect(vmf!.status).toBe('failed');
    expect(vmf!.error).toMatch(
      /^Step 4: the loss is NaN for the NLLvMF head \(run "NLLvMF"\)\. The run stopped; the metrics recorded before it are kept\. Try a lower train\.learningRate/,
    );
    expect(stepsOf(vmf!)).toEqual([1, 2, 3]);
  }, 120_000);

  it('rolled back to its last checkpoint at half the learning rate each time, catches up and finishes with one point per step', async () => {
    const latest = new Map<number, Uint8Array>();
    const poison = poisonAfter(5, 7);
    const rolledBack: { step: number; to: number }[] = [];
    const record = await runComparison({
      ...base,
      engine: await getEngine(),
      runs,
      checkpointDue: (run) => run.step % 3 === 0,
      onProgress(event) {
        if (event.kind === 'checkpoint') latest.set(event.index, event.bytes);
        poison(event);
      },
      onDivergence(run: TrainingRun, index: number) {
        const step = run.divergence!.step;
        rollBack(run, latest.get(index)!);
        rolledBack.push({ step, to: run.step });
      },
    });
    const [softmax, vmf] = record.runs;
    // The checkpoint taken after the bad step 6 is discarded: back to step 3. Once caught up, the
    // last step goes bad too, found only as the comparison settles, and the run goes back to step 6.
    expect(rolledBack).toEqual([
      { step: 6, to: 3 },
      { step: 8, to: 6 },
    ]);
    expect(vmf!.status, vmf!.error).toBe('finished');
    expect(stepsOf(vmf!)).toEqual(oneToEight);
    expect(stepsOf(softmax!)).toEqual(oneToEight);
    for (const point of vmf!.metrics) expect(Number.isFinite(point.loss)).toBe(true);
    const halved = vmf!.metrics.map((point, i) => point.learningRate / softmax!.metrics[i]!.learningRate);
    expect(halved).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]);
  }, 120_000);
});

describe('a lost device', () => {
  it('stops the runs with their checkpoints; a fresh device resumes them to the same losses as an uninterrupted comparison', async () => {
    const withCheckpoints = runs.map((run) => ({
      ...run,
      config: applyOverrides(run.config, { 'train.checkpointEvery': 3 }),
    }));
    const uninterrupted = await runComparison({ ...base, engine: await getEngine(), runs: withCheckpoints });

    const lostEngine = new Engine(await acquireNodeGpu());
    const checkpoints: Uint8Array[] = [];
    let asked = 0;
    const cut = await runComparison({
      ...base,
      engine: lostEngine,
      runs: withCheckpoints,
      gate: () => {
        if (++asked === 6) lostEngine.gpu.destroy();
        return true;
      },
      onProgress: (event) => void (event.kind === 'checkpoint' && (checkpoints[event.index] = event.bytes)),
    });
    for (const run of cut.runs) {
      expect(run.status).toBe('stopped');
      expect(run.error).toMatch(/^The GPU device was lost at step 6/);
    }
    expect(checkpoints).toHaveLength(2);

    const engine = new Engine(await acquireNodeGpu());
    const resumed = await runComparison({
      ...base,
      engine,
      runs: withCheckpoints.map((run, i) => ({ ...run, resume: checkpoints[i]! })),
    });
    engine.destroy();
    engine.gpu.destroy();
    for (const [i, run] of resumed.runs.entries()) {
      expect(run.status, run.error).toBe('finished');
      expect(stepsOf(run)).toEqual(oneToEight);
      // Steps 1–3 come from the checkpoint, 4–8 were trained on the new device: bit for bit the same.
      expect(run.metrics.map((m) => m.loss)).toEqual(uninterrupted.runs[i]!.metrics.map((m) => m.loss));
      // The time axis goes on from the checkpoint instead of starting again at zero; throughput
      // leaves out the first steps on the new device, which compile its shaders.
      const times = run.metrics.map((m) => m.wallMs);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(run.speed!.warmupMs).toBeGreaterThan(0);
    }
  }, 180_000);
});
