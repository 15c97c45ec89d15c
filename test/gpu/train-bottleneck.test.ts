// The softmax-bottleneck heads end to end: the built-in reverse task through the comparison runner
// (as test/gpu/train-seq2seq.test.ts does for softmax and NLLvMF), with PLIF's slopes in their own
// optimizer group.
import { describe, expect, it } from 'vitest';
import { readNodeAsset } from '../../src/data/assetsNode';
import { applyOverrides } from '../../src/experiments/overrides';
import { prepareTask } from '../../src/experiments/task';
import { runComparison } from '../../src/train/compare';
import { TrainingRun } from '../../src/train/run';
import { getEngine } from '../helpers/gpu';
import { tinyReverseTask } from '../helpers/reverseTask';

const tiny = tinyReverseTask;

const plif = { kind: 'plif', pieces: 1000 } as const;
const mos = { kind: 'mos', components: 3 } as const;

describe('training the reverse task with PLIF and a mixture of softmaxes', () => {
  it('gives the PLIF slopes their own group (plain SGD at 0.02, whatever the run uses) and no target table', async () => {
    const engine = await getEngine();
    const config = applyOverrides(tiny, { head: plif });
    const run = new TrainingRun(engine, await prepareTask(readNodeAsset, config), config, {
      label: 'plif',
      adapter: 'test',
    });
    const groups = run.optimizer.groups;
    expect(groups.map((g) => [g.lr, g.rule])).toEqual([
      [3e-3, 'adam'],
      [0.02, 'sgd'],
    ]);
    expect(groups[1]!.params.map((p) => p.label)).toEqual(['plif.theta']);
    expect(run.model.targetTable).toBeUndefined();
    run.release();
  });

  // Chance is 1/12 ≈ 8 %. Measured on SwiftShader at step 100: PLIF 71 %, MoS 74 % (softmax 74 %).
  it('reaches ≥ 55 % validation token accuracy within 100 steps with either head', async () => {
    const engine = await getEngine();
    const record = await runComparison({
      engine,
      read: readNodeAsset,
      adapter: 'test',
      runs: [
        { label: 'PLIF', config: applyOverrides(tiny, { head: plif }) },
        { label: 'MoS', config: applyOverrides(tiny, { head: mos }) },
      ],
      evaluation: { decodeSentences: 16 },
    });
    for (const run of record.runs) {
      expect(run.status, run.error).toBe('finished');
      const final = run.evals.at(-1)!;
      expect(final.accuracy1, run.label).toBeGreaterThanOrEqual(0.55);
      expect(final.perplexity).toBeGreaterThan(1);
      expect(run.metrics.at(-1)!.loss).toBeLessThan(run.metrics[0]!.loss);
    }
  }, 240_000);
});
