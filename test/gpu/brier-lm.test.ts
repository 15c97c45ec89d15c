// BrierLM on a language model trained for a few steps, with a softmax head (categorical draws),
// NLLvMF (Wood's vMF draws decoded by nearest neighbour) and the cosine and L2 losses (no
// distribution: a point mass on their decoding), at a size SwiftShader runs in seconds; and which distribution each
// head offers to be sampled.
import { describe, expect, it } from 'vitest';
import { readNodeAsset } from '../../src/data/assetsNode';
import { defaultConfig } from '../../src/experiments/config';
import { mergeConfig } from '../../src/experiments/overrides';
import { createHead, headOffers, type HeadSpec, scoresVocabulary } from '../../src/heads';
import { keyedRandomSource, samplePowerSpherical, sampleVmf } from '../../src/math/directionalSampling';
import { randomArray } from '../../src/math/random';
import { buildBatch } from '../../src/data/batching';
import { brierOfRun, headSampler } from '../../src/train/brierLm';
import { runComparison } from '../../src/train/compare';
import { sequenceBatch, type TrainingRun } from '../../src/train/run';
import { getEngine } from '../helpers/gpu';

const tinyLanguageModel = mergeConfig(defaultConfig, {
  task: 'language-model',
  dataset: 'sotu',
  data: { targetVocab: 40, maxLength: 8, trainSentences: 64, validSentences: 6 },
  embeddings: { source: 'random-sphere', dimension: 16 },
  model: { encoderLayers: 0, decoderLayers: 1, dModel: 16, heads: 2, ffn: 32, dropout: 0 },
  train: { steps: 6, batchSentences: 16, learningRate: 3e-3, warmupSteps: 1, decay: 'none', evalEvery: 0, logEvery: 2 },
});

const runs: [string, HeadSpec][] = [
  ['softmax', { kind: 'softmax' }],
  ['NLLvMF', { kind: 'vmf', regularizer: { kind: 'log1p', lambda: 0.2 }, approximate: false }],
];

/** Each validation window's teacher-forced top-1 ids [B·T] and the batch's T. */
async function teacherForcedTop1(run: TrainingRun): Promise<{ ids: Int32Array; length: number }> {
  const { engine, model, task } = run;
  const batch = buildBatch(
    task.valid,
    task.valid.map((_, i) => i),
  );
  const ids = engine.withoutGradients(() =>
    engine.tidy(() => {
      const hidden = model.backbone.forward(engine, sequenceBatch(batch), { dropout: 0 });
      const read = engine.readLater(model.head.decode(hidden, 1).ids);
      engine.flush();
      return read;
    }),
  );
  return { ids: Int32Array.from(await ids), length: batch.length };
}

describe('BrierLM of a language model', () => {
  it('gives finite Brier-1 … 4 in [−1, 1] for softmax and NLLvMF, the same again from the same seed', async () => {
    const again: number[][] = [];
    const record = await runComparison({
      engine: await getEngine(),
      read: readNodeAsset,
      adapter: 'test',
      runs: runs.map(([label, head]) => ({ label, config: mergeConfig(tinyLanguageModel, { head }) })),
      evaluation: { brierPositions: 12 },
      onProgress: async (event) => {
        if (event.kind !== 'finished') return;
        again[event.index] = (await brierOfRun(event.run, 12, event.run.config.train.initSeed))!.brier;
      },
    });
    record.runs.forEach((run, index) => {
      expect(run.status, run.error).toBe('finished');
      const brier = run.evals.at(-1)!.brier!;
      expect(brier).toHaveLength(4);
      for (const b of brier) {
        expect(Number.isFinite(b)).toBe(true);
        expect(Math.abs(b)).toBeLessThanOrEqual(1);
      }
      expect(again[index], run.label).toEqual(brier);
    });
  }, 240_000);

  it('draws a head without a concentration as its decoding after every prefix, so Brier-n counts greedy n-grams', async () => {
    // Every prefix of every window in one call, more than one pass's rows, padded to the longest: each
    // row must give its own last state. Brier-n = 2·(share of greedy n-grams right) − 1, a greedy
    // n-gram being right when each token is, its context then being the true one.
    const checks: { drawn: Int32Array; top1: Int32Array; expected: number[]; estimated: number[] }[] = [];
    const record = await runComparison({
      engine: await getEngine(),
      read: readNodeAsset,
      adapter: 'test',
      runs: (['cosine', 'l2'] as const).map((kind) => ({
        label: kind,
        // Long enough to decode some n-grams right (acc@1 about 47 %).
        config: mergeConfig(tinyLanguageModel, {
          head: { kind },
          data: { validSentences: 24 },
          train: { steps: 40, learningRate: 1e-2 },
        }),
      })),
      evaluation: { brierPositions: 0 },
      onProgress: async (event) => {
        if (event.kind !== 'finished') return;
        const { run } = event;
        const { ids, length } = await teacherForcedTop1(run);
        const valid = run.task.valid;
        const prefixes = valid.flatMap(({ input }, w) =>
          Array.from(input, (_, t) => ({ w, t, context: input.subarray(0, t + 1) })),
        );
        const random = keyedRandomSource(1, 0);
        const drawn = await headSampler(run)(prefixes.map(({ context }) => ({ context, random })));
        const top1 = Int32Array.from(prefixes, ({ w, t }) => ids[w * length + t]!);
        const right = (w: number, t: number) => ids[w * length + t] === valid[w]!.target[t];
        const expected = [1, 2, 3, 4].map((n) => {
          const scores = valid.flatMap(({ target }, w) =>
            Array.from({ length: Math.max(0, target.length - 3) }, (_, t) =>
              Array.from({ length: n }, (_, i) => right(w, t + i)).every(Boolean) ? 1 : -1,
            ),
          );
          return scores.reduce((sum, v) => sum + v, 0) / scores.length;
        });
        const estimated = (await brierOfRun(run, Number.POSITIVE_INFINITY, 1))!.brier;
        checks[event.index] = { drawn, top1, expected, estimated };
      },
    });
    record.runs.forEach((run, index) => {
      expect(run.status, run.error).toBe('finished');
      const { drawn, top1, expected, estimated } = checks[index]!;
      expect(drawn.length, run.label).toBeGreaterThan(128);
      expect(Array.from(drawn), run.label).toEqual(Array.from(top1));
      // Not a trivial match: some prefixes decode differently, and some n-grams come out right.
      expect(new Set(top1).size, run.label).toBeGreaterThan(1);
      expect(expected[0]!, run.label).toBeGreaterThan(-1);
      estimated.forEach((b, n) => expect(b, `${run.label}, Brier-${n + 1}`).toBeCloseTo(expected[n]!, 12));
    });
  }, 240_000);

  it('samples each head from its own distribution: categorical, a direction family, or none', async () => {
    const engine = await getEngine();
    const [n, d, vocab, m] = [3, 5, 7, 4];
    const rows = randomArray(vocab * m, 1);
    for (let v = 0; v < vocab; v++) {
      const row = rows.subarray(v * m, (v + 1) * m);
      row.set(row.map((x) => x / Math.hypot(...row)));
    }
    const context = {
      hidden: d,
      vocab,
      initSeed: 2,
      targetTable: engine.tensor(rows, [vocab, m]),
      inputEmbedding: engine.parameter(randomArray(vocab * d, 3), [vocab, d], 'embedding'),
    };
    const hidden = engine.tensor(randomArray(n * d, 4), [n, d]);
    const specs = [...new Map(headOffers.map(({ spec }) => [JSON.stringify(spec), spec])).values()];
    for (const spec of specs) {
      const head = createHead(engine, spec, context);
      const label = head.label;
      const read = engine.withoutGradients(() =>
        engine.tidy(() => {
          const predictive = head.predictive?.(hidden);
          // The probabilities, or the words that ê itself decodes to as a sampled direction would.
          const values =
            predictive?.kind === 'categorical'
              ? engine.readLater(predictive.probabilities)
              : predictive?.kind === 'directional'
                ? engine.readLater(predictive.nearest(predictive.prediction))
                : undefined;
          const top1 = engine.readLater(head.decode(hidden, 1).ids);
          engine.flush();
          return {
            kind: predictive?.kind,
            sample: predictive?.kind === 'directional' ? predictive.sample : undefined,
            values,
            top1,
          };
        }),
      );
      const [values, top1] = await Promise.all([read.values, read.top1]);
      if (scoresVocabulary(spec)) {
        // A distribution whose most likely word is what decoding gives.
        expect(read.kind, label).toBe('categorical');
        for (let r = 0; r < n; r++) {
          const row = Array.from(values!.subarray(r * vocab, (r + 1) * vocab));
          expect(
            row.reduce((s, x) => s + x, 0),
            label,
          ).toBeCloseTo(1, 5);
          expect(row.indexOf(Math.max(...row)), label).toBe(top1[r]);
        }
      } else if (spec.kind === 'vmf' || spec.kind === 'power-spherical') {
        expect(read.kind, label).toBe('directional');
        expect(read.sample, label).toBe(spec.kind === 'vmf' ? sampleVmf : samplePowerSpherical);
        expect(values, label).toEqual(top1);
      } else {
        expect(read.kind, label).toBeUndefined();
      }
      head.release();
    }
    for (const t of [hidden, context.targetTable, context.inputEmbedding]) t.release();
  });
});
