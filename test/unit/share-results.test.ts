// "Share results" links: a finished comparison's figures in the URL fragment (src/app/share/results.ts).
import { deflateSync, strToU8 } from 'fflate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeResults, encodeResults, maxFragmentChars } from '../../src/app/share/results';
import { encodeExperiment } from '../../src/app/share/url';
import { presetSetup, useExperimentStore } from '../../src/app/state/experiment';
import { useSharedResultsStore } from '../../src/app/state/sharedResults';
import { useTrainingStore } from '../../src/app/state/training';
import { openFromUrl } from '../../src/app/startup';
import { mulberry32 } from '../../src/math/random';
import type { EvalPoint, MetricPoint, RunRecord } from '../../src/train/record';
import { downsample, maxPointsPerRun } from '../../src/train/shareable';
import { record } from './plots-fixtures';

/**
 * A finished run with a metric point every `logEvery` steps and noisy f32-like figures (they compress like real ones).
 */
function finishedRun(kind: 'softmax' | 'vmf', steps: number, logEvery: number, evalEvery: number): RunRecord {
  const random = mulberry32(kind === 'softmax' ? 1 : 2);
  const noisy = (x: number) => Math.fround(x * (1 + 0.05 * (random() - 0.5)));
  const metrics: MetricPoint[] = [];
  for (let step = logEvery; step <= steps; step += logEvery) {
    metrics.push({
      step,
      wallMs: noisy(step * 310),
      tokens: step * 180,
      loss: noisy(7 / Math.sqrt(step)),
      learningRate: noisy(2e-3),
      gradNorm: noisy(1.5),
      tokensPerSecond: noisy(580),
    });
  }
  const evals: EvalPoint[] = [];
  for (let step = evalEvery; step <= steps; step += evalEvery) {
    evals.push({
      step,
      wallMs: noisy(step * 320),
      validLoss: noisy(5),
      accuracy1: noisy(0.3),
      accuracy5: noisy(0.5),
      perplexity: kind === 'softmax' ? noisy(90) : undefined,
      bleu: noisy(9),
      bleuNoDuplicates: noisy(9.5),
      bleuUnkKept: noisy(7),
      kappas: Array.from({ length: 50 }, () => noisy(8)),
      samples: [{ source: 'en el principio', reference: 'in the beginning', hypothesis: 'in the beginning' }],
    });
  }
  return record(kind, {
    status: 'finished',
    metrics,
    evals,
    embeddingMap: { words: ['a', 'b'], x: [0, 1], y: [1, 0] },
    speed: { tokensPerSecond: noisy(580), compileMs: 9000, warmupMs: 800, msPerStep: { total: noisy(310) } },
    memory: { parameters: 4e5, optimizerState: 8e5, activations: 3e6, frozen: 1e5, outputLayerParams: 65000 },
  });
}

describe('results links', () => {
  it('carry each run without samples, κ samples or the embedding map, curves downsampled to 200 points', () => {
    const long = finishedRun('softmax', 10_000, 5, 100);
    const decoded = decodeResults(`#${encodeResults([long, finishedRun('vmf', 300, 5, 50)])}`);
    if (!decoded || !('runs' in decoded)) throw new Error(`not decoded: ${JSON.stringify(decoded)}`);
    const [first, second] = decoded.runs;
    expect(first!.metrics).toHaveLength(maxPointsPerRun);
    expect(first!.metrics[0]).toEqual(long.metrics[0]);
    expect(first!.metrics.at(-1)).toEqual(long.metrics.at(-1));
    expect(first!.evals).toHaveLength(100);
    expect(first!.evals.every((p) => p.samples === undefined && p.kappas === undefined)).toBe(true);
    expect(first!.embeddingMap).toBeUndefined();
    expect(first!.evals.at(-1)!.bleu).toBe(long.evals.at(-1)!.bleu);
    expect(first!.speed).toEqual(long.speed);
    expect(second!.metrics).toHaveLength(60);
    expect(second!.evals[0]!.perplexity).toBeUndefined();
  });

  it('keep the default comparison under 8 KB, settings and results together', () => {
    const setup = presetSetup('tiny-demo');
    const { steps, logEvery, evalEvery } = setup.base.train;
    const url = `http://localhost:5173/${encodeExperiment(setup)}#${encodeResults([finishedRun('softmax', steps, logEvery, evalEvery), finishedRun('vmf', steps, logEvery, evalEvery)])}`;
    expect(url.length).toBeLessThan(8 * 1024);
  });

  it('downsample evenly, keeping the first and the last point', () => {
    expect(downsample([1, 2, 3], 5)).toEqual([1, 2, 3]);
    expect(
      downsample(
        Array.from({ length: 11 }, (_, i) => i),
        3,
      ),
    ).toEqual([0, 5, 10]);
  });

  it('are absent from a fragment without them', () => {
    expect(decodeResults('')).toBeNull();
    expect(decodeResults('#section-2')).toBeNull();
  });

  it('name the problem when damaged, oversized, inflating past the limit or not a run file', () => {
    const good = encodeResults([finishedRun('softmax', 50, 5, 25)]);
    const warning = (hash: string) => {
      const decoded = decodeResults(hash);
      if (!decoded || !('warning' in decoded)) throw new Error(`expected a warning for ${hash.slice(0, 40)}`);
      return decoded.warning;
    };
    expect(warning('results=a*b')).toMatch(
      /^The shared results in this link could not be opened \(damaged: characters outside base64url\)/,
    );
    expect(warning(good.slice(0, good.length / 2))).toMatch(/damaged/);
    expect(warning(`results=${'A'.repeat(maxFragmentChars + 1)}`)).toMatch(/more than 262,144/);
    const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
    expect(warning(`results=${base64(deflateSync(new Uint8Array(50_000_000)))}`)).toMatch(
      /more than 4,194,304 bytes once inflated/,
    );
    expect(warning(`results=${base64(deflateSync(strToU8('{"format":"something-else"}')))}`)).toMatch(/Not a run file/);
    expect(
      warning(
        `results=${base64(deflateSync(strToU8('{"format":"continuum-comparison","formatVersion":1,"runs":[]}')))}`,
      ),
    ).toMatch(/holds no runs/);
  });

  it('never throw, whatever the fragment', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `results=${s}`),
          fc.uint8Array().map((b) => `results=${Buffer.from(b).toString('base64url')}`),
        ),
        (hash) => {
          const decoded = decodeResults(hash);
          expect(decoded === null || 'runs' in decoded || 'warning' in decoded).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('opening a results link', () => {
  it('shows the runs read-only with the settings from the query, and trains nothing', () => {
    useSharedResultsStore.getState().close();
    const started = useTrainingStore.getState().comparisonsStarted;
    const runs = [finishedRun('softmax', 150, 5, 50), finishedRun('vmf', 150, 5, 50)];
    // "run=1" asks to start on open; shared results win.
    openFromUrl('?v=1&preset=tiny-demo&train.steps=150&run=1', `#${encodeResults(runs)}`);
    expect(useSharedResultsStore.getState().shown).toBe(true);
    const { records, state, comparisonsStarted } = useTrainingStore.getState();
    expect(records.map((r) => r.label)).toEqual(['head: softmax', 'head: vmf']);
    expect([state, comparisonsStarted]).toEqual(['finished', started]);
    expect(useExperimentStore.getState().base.train.steps).toBe(150);
  });

  it('falls back to the settings with a warning when the results cannot be read', () => {
    useSharedResultsStore.getState().close();
    openFromUrl('?v=1&preset=tiny-demo', '#results=%%%');
    expect(useSharedResultsStore.getState().shown).toBe(false);
    expect(useExperimentStore.getState().warnings).toEqual([
      expect.stringMatching(/^The shared results in this link could not be opened/),
    ]);
  });
});
