// The results suite as data: every planned run is a valid experiment with a unique, stable id, and
// the statistics a results table reports are the usual ones.
import { describe, expect, it } from 'vitest';
import { describeSetup, meanStd, reportedEval } from '../../src/cli/reproduce/statistics';
import { partNames, scales, suiteParts } from '../../src/cli/reproduce/suite';
import { parseConfig, type ExperimentConfig } from '../../src/experiments/config';
import { fullRun } from '../helpers/runRecord';

describe('the results suite', () => {
  it.each(scales)('plans valid runs with unique ids at the %s scale, one part per name', (scale) => {
    const parts = suiteParts(scale);
    expect(parts.map((p) => p.name).sort()).toEqual([...partNames].sort());
    for (const part of parts) {
      if (part.kind !== 'training') continue;
      const ids = part.runs.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const run of part.runs) {
        expect(parseConfig(run.config)).toHaveProperty('config');
        expect(run.config.train.initSeed).toBe(run.seed);
        expect(run.config.train.patience).toBeGreaterThan(0);
      }
    }
  });

  it('trains the two main translation heads with three seeds and the rest with one', () => {
    const part = suiteParts('small').find((p) => p.name === 'translation-kjv-web')!;
    if (part.kind !== 'training') throw new Error('not a training part');
    const seeds = (head: string) => part.runs.filter((r) => r.head === head).map((r) => r.seed);
    expect(seeds('softmax')).toEqual([1, 2, 3]);
    expect(seeds('NLLvMF log(1+κ)(0.2−cos)')).toEqual([1, 2, 3]);
    expect(seeds('cosine')).toEqual([1]);
    expect(describeSetup(part.runs[0]!.config)).toContain('at most 2000 steps');
  });

  it.each(scales)('files a run two parts share under one of them, with the same settings (%s)', (scale) => {
    const parts = suiteParts(scale);
    const comparators = parts.find((p) => p.name === 'comparators-kjv-web')!;
    if (comparators.kind !== 'training') throw new Error('not a training part');
    const shared = comparators.runs.filter((r) => r.recordedIn);
    expect(shared.map((r) => r.head)).toEqual(['softmax', 'NLLvMF log(1+κ)(0.2−cos)']);
    for (const run of shared) {
      const home = parts.find((p) => p.name === run.recordedIn)!;
      if (home.kind !== 'training') throw new Error('not a training part');
      expect(home.runs.find((r) => r.id === run.id)?.config).toEqual(run.config);
    }
    // The rest differ from the shared NLLvMF run in the head, the target table or the vocabulary's
    // coverage (one vocabulary with numbered unknowns) only.
    const [, vmf] = shared;
    const coverage = ({ sharedVocabulary, numberedUnknowns }: ExperimentConfig['data']) => ({
      sharedVocabulary,
      numberedUnknowns,
    });
    for (const run of comparators.runs.filter((r) => !r.recordedIn)) {
      const { head, embeddings, data, ...rest } = run.config;
      const { head: _head, embeddings: _embeddings, data: sharedData, ...sharedRest } = vmf!.config;
      expect(rest).toEqual(sharedRest);
      expect({ ...data, ...coverage(sharedData) }).toEqual(sharedData);
      expect([head, embeddings, coverage(data)]).not.toEqual([
        vmf!.config.head,
        vmf!.config.embeddings,
        coverage(sharedData),
      ]);
    }
  });

  it('reports the mean and the sample standard deviation', () => {
    expect(meanStd([])).toBeUndefined();
    expect(meanStd([5])).toEqual({ mean: 5, std: 0, n: 1 });
    const s = meanStd([1, 2, 3, 4])!;
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });

  it('reports an early-stopped run by its best evaluation and any other by its last', () => {
    const run = fullRun('softmax');
    const evals = [100, 200, 300].map((step, i) => ({
      step,
      wallMs: step,
      validLoss: [3, 2, 2.5][i]!,
      accuracy1: 0.1,
      accuracy5: 0.2,
    }));
    expect(reportedEval({ ...run, evals })?.step).toBe(300);
    expect(reportedEval({ ...run, evals, earlyStop: { step: 300, bestStep: 200, patience: 1 } })?.step).toBe(200);
    expect(reportedEval({ ...run, evals: [] })).toBeUndefined();
  });
});
