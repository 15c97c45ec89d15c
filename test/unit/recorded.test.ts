// The recorded comparison the page opens on without a link: how it is made small (recordedComparison),
// that the shipped file is a real, stamped one within the size limit, and how the page opens it.
import { readFileSync, statSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SharedResultsBanner } from '../../src/app/components/SharedResultsBanner';
import { timeLeft } from '../../src/app/format';
import { presetSetup, useExperimentStore } from '../../src/app/state/experiment';
import { livePreset, openRecorded, recordedPath, trainingEstimate } from '../../src/app/state/recorded';
import { useSharedResultsStore } from '../../src/app/state/sharedResults';
import { useTrainingStore } from '../../src/app/state/training';
import type { AdapterSummary } from '../../src/gpu';
import { mulberry32 } from '../../src/math/random';
import {
  parseRunFile,
  toJson,
  type EvalPoint,
  type MetricPoint,
  type RunRecord,
  type Stamp,
} from '../../src/train/record';
import { maxPointsPerRun, maxRecordedBytes, maxRecordedSamples, recordedComparison } from '../../src/train/shareable';
import { record } from './plots-fixtures';

const stamp: Stamp = {
  date: '2026-12-02T14:40:00.000Z',
  commit: 'abc1234',
  adapter: 'Adapter: google / swiftshader / Subzero (fallback)',
  command: 'continuum compare --preset kjv-web-live --decode 48',
  wallMs: 250_000,
  title: 'King James → World English: softmax vs NLLvMF',
};

/** A finished run with `samples` decoded samples per evaluation, each `words` tokens long with top-5 detail. */
function finishedRun(kind: 'softmax' | 'vmf', steps: number, samples: number, words = 12): RunRecord {
  const random = mulberry32(kind === 'softmax' ? 3 : 4);
  const word = () => `w${Math.floor(random() * 500)}`;
  const sentence = () => Array.from({ length: words }, word).join(' ');
  const metrics: MetricPoint[] = [];
  for (let step = 5; step <= steps; step += 5)
    metrics.push({ step, wallMs: step * 400, tokens: step * 300, loss: 7 / Math.sqrt(step), learningRate: 5e-3 });
  const evals: EvalPoint[] = [];
  for (let step = 100; step <= steps; step += 100) {
    evals.push({
      step,
      wallMs: step * 410,
      validLoss: 3,
      accuracy1: 0.3,
      accuracy5: 0.5,
      bleu: step / 100,
      kappas: Array.from({ length: 100 }, () => random() * 50),
      samples: Array.from({ length: samples }, (_, i) => ({
        source: `${step}/${i} ${sentence()}`,
        reference: sentence(),
        hypothesis: sentence(),
        tokens: Array.from({ length: words }, () => ({
          token: word(),
          neighbours: Array.from({ length: 5 }, () => ({ token: word(), score: random() })),
          kappa: random() * 40,
          x: random(),
          y: random(),
        })),
      })),
    });
  }
  return record(kind, { status: 'finished', metrics, evals, embeddingMap: { words: ['a'], x: [0], y: [0] } });
}

const bytes = (text: string) => new TextEncoder().encode(text).length;

describe('recordedComparison', () => {
  it('keeps the last evaluation’s first samples with their tokens, curves downsampled, and the stamp through parseRunFile', () => {
    const runs = [finishedRun('softmax', 2000, 48, 6), finishedRun('vmf', 2000, 48, 6)];
    const recorded = recordedComparison(runs, stamp, 'kjv-web');
    const parsed = parseRunFile(toJson(recorded));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value.stamp).toEqual(stamp);
    expect(parsed.value.preset).toBe('kjv-web');
    for (const [i, run] of parsed.value.runs.entries()) {
      expect(run.metrics).toHaveLength(maxPointsPerRun);
      expect(run.embeddingMap).toBeUndefined();
      const last = run.evals.at(-1)!;
      expect(last.samples).toEqual(runs[i]!.evals.at(-1)!.samples!.slice(0, maxRecordedSamples));
      expect(last.samples![0]!.tokens).toHaveLength(6);
      expect(run.evals.slice(0, -1).every((point) => point.samples === undefined)).toBe(true);
      expect(run.evals.every((point) => point.kappas === undefined)).toBe(true);
    }
    expect(bytes(toJson(recorded))).toBeLessThanOrEqual(maxRecordedBytes);
  });

  it('drops the per-token detail when keeping it would pass the size limit', () => {
    const runs = [finishedRun('softmax', 300, 20, 40), finishedRun('vmf', 300, 20, 40)];
    const recorded = recordedComparison(runs, stamp);
    const samples = recorded.runs.map((run) => run.evals.at(-1)!.samples!);
    expect(samples.map((list) => list.length)).toEqual([maxRecordedSamples, maxRecordedSamples]);
    expect(samples.flat().every((sample) => sample.tokens === undefined && sample.hypothesis.length > 0)).toBe(true);
    expect(bytes(toJson(recorded))).toBeLessThanOrEqual(maxRecordedBytes);
  });

  it('throws when even without that detail the JSON passes 300 KB', () => {
    const runs = Array.from({ length: 12 }, (_, i) => finishedRun(i % 2 ? 'vmf' : 'softmax', 3000, 10, 60));
    expect(() => recordedComparison(runs, stamp)).toThrow(/more than 307,200/);
  });

  it('keeps a run without evaluations as it is', () => {
    const bare = record('softmax', {
      status: 'failed',
      metrics: [{ step: 1, wallMs: 5, tokens: 10, loss: NaN, learningRate: 1e-3 }],
    });
    const parsed = parseRunFile(toJson(recordedComparison([bare], stamp)));
    expect(parsed.ok && parsed.value.runs[0]!.evals).toEqual([]);
  });
});

describe('the shipped recorded comparison', () => {
  const path = new URL(`../../public/${recordedPath}`, import.meta.url);

  it('parses as a run file, stays within 300 KB and says who recorded it, where and when', () => {
    expect(statSync(path).size).toBeLessThanOrEqual(maxRecordedBytes);
    const parsed = parseRunFile(readFileSync(path, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    const { stamp: shipped, runs } = parsed.value;
    expect(shipped).toBeDefined();
    expect(shipped!.adapter).not.toBe('');
    expect(shipped!.commit).toMatch(/^[0-9a-f]{7,}/);
    expect(Number.isNaN(Date.parse(shipped!.date))).toBe(false);
    expect(shipped!.command).toMatch(/continuum/);
    // The results suite's main comparison: softmax against NLLvMF, each finished with decoded samples.
    expect(runs.map((run) => run.config.head.kind).sort()).toEqual(['softmax', 'vmf']);
    for (const run of runs) {
      expect(run.status).toBe('finished');
      expect(run.adapter).toBe(shipped!.adapter);
      expect(run.evals.at(-1)?.samples?.length).toBeGreaterThan(0);
    }
  });
});

const adapter = (overrides: Partial<AdapterSummary>): AdapterSummary => ({
  vendor: 'google',
  architecture: 'swiftshader',
  device: '',
  description: 'SwiftShader Device (Subzero)',
  isFallback: false,
  features: [],
  limits: {},
  ...overrides,
});
const software = adapter({});
const hardware = adapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' });

describe('opening on the recorded comparison', () => {
  const fileOf =
    (text: string, status = 200) =>
    () =>
      Promise.resolve(new Response(text, { status }));
  let warn: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    useSharedResultsStore.getState().close();
    useTrainingStore.getState().reset();
    useExperimentStore.getState().replace(presetSetup('kjv-web-live'));
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('shows the stamped runs read-only, training nothing', async () => {
    const started = useTrainingStore.getState().comparisonsStarted;
    const file = toJson(
      recordedComparison([finishedRun('softmax', 300, 12), finishedRun('vmf', 300, 12)], stamp, 'kjv-web-live'),
    );
    expect(await openRecorded(fileOf(file))).toBe(true);
    const { shown, view, pending, foreign } = useSharedResultsStore.getState();
    expect([shown, pending]).toEqual([true, false]);
    expect(view).toEqual({ kind: 'recorded', stamp, preset: 'kjv-web-live' });
    const { records, state, comparisonsStarted } = useTrainingStore.getState();
    expect(records.map((r) => r.label)).toEqual(['head: softmax', 'head: vmf']);
    expect(foreign).toBe(records);
    expect([state, comparisonsStarted]).toEqual(['finished', started]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('opens the default quietly when the file is missing, invalid or unstamped', async () => {
    const unstamped = toJson({
      format: 'continuum-comparison',
      formatVersion: 1,
      runs: [finishedRun('softmax', 100, 1)],
    });
    for (const load of [
      fileOf('not found', 404),
      fileOf('{"format":"other"}'),
      fileOf(unstamped),
      () => Promise.reject(new TypeError('offline')),
    ]) {
      expect(await openRecorded(load)).toBe(false);
      expect(useSharedResultsStore.getState()).toMatchObject({ shown: false, pending: false });
      expect(useTrainingStore.getState().records).toEqual([]);
    }
    expect(warn).toHaveBeenCalledTimes(4);
    expect(String(warn.mock.calls[2]![0])).toMatch(/no stamp/);
  });

  it('stays closed when the reader started something before the file arrived', async () => {
    let arrive: (response: Response) => void = () => undefined;
    const opening = openRecorded(() => new Promise<Response>((resolve) => (arrive = resolve)));
    expect(useSharedResultsStore.getState().pending).toBe(true);
    useSharedResultsStore.getState().close(); // what Start, Open and Import do
    arrive(new Response(toJson(recordedComparison([finishedRun('softmax', 100, 2)], stamp))));
    expect(await opening).toBe(false);
    expect(useSharedResultsStore.getState().shown).toBe(false);
    expect(useTrainingStore.getState().records).toEqual([]);
  });
});

describe('"Train it yourself"', () => {
  it('trains the smaller live preset on a software adapter and the suite’s size on a GPU', () => {
    expect(livePreset(software)).toBe('kjv-web-live');
    expect(livePreset(adapter({ isFallback: true, architecture: 'unknown', description: '' }))).toBe('kjv-web-live');
    expect(livePreset(hardware)).toBe('kjv-web');
  });

  it('says honestly what it trains and how long that takes', () => {
    const onSoftware = trainingEstimate(software, { stamp, preset: 'kjv-web-live' });
    expect(onSoftware).toMatch(
      /software one .*swiftshader.*preset kjv-web-live: about 4 minutes of training for both runs as measured on a quiet 2-core machine’s SwiftShader/,
    );
    expect(onSoftware).toMatch(/took 4\.2 min on google \/ swiftshader/);
    const onGpu = trainingEstimate(hardware, { stamp });
    expect(onGpu).toMatch(
      /full size here, preset kjv-web\. The recorded comparison took 4\.2 min on .*A hardware GPU such as this one is usually faster/,
    );
    expect(onGpu).toMatch(/progress and the time left/);
    // Recorded on a GPU: no claim that this one is faster.
    expect(trainingEstimate(hardware, { stamp: { ...stamp, adapter: 'Adapter: nvidia / hopper' } })).not.toMatch(
      /usually faster/,
    );
  });
});

describe('the banner without WebGPU', () => {
  const banner = (view: Parameters<typeof SharedResultsBanner>[0]['view'], canTrain?: boolean) =>
    renderToStaticMarkup(
      createElement(SharedResultsBanner, {
        runs: [record('softmax'), record('vmf')],
        view,
        canTrain,
        saved: 3,
        onRerun() {},
        onEdit() {},
        onShowSaved() {},
      }),
    );

  it('offers to train where WebGPU works', () => {
    const html = banner({ kind: 'recorded', stamp });
    expect(html).toContain('Train it yourself');
    expect(html).toContain('Your saved experiments (3)');
    expect(html).not.toContain('needs WebGPU');
  });

  it('says training needs WebGPU instead, pointing at the help, for both kinds of read-only results', () => {
    const recorded = banner({ kind: 'recorded', stamp }, false);
    expect(recorded).toContain('Recorded comparison: King James → World English');
    expect(recorded).toMatch(
      /<strong>Training it yourself needs WebGPU<\/strong>, which this browser cannot offer here: <a href="#webgpu-help">the WebGPU help above<\/a>/,
    );
    const shared = banner({ kind: 'shared' }, false);
    expect(shared).toContain('Shared results, read-only.');
    expect(shared).toContain('<strong>Re-running this experiment needs WebGPU</strong>');
    for (const html of [recorded, shared]) expect(html).not.toMatch(/<button|saved experiments/);
  });
});

describe('the time left while training', () => {
  const run = (points: Array<[number, number]>) => ({ metrics: points.map(([step, wallMs]) => ({ step, wallMs })) });
  it('extrapolates the pace since the first logged step, leaving compilation out', () => {
    expect(
      timeLeft(
        [
          run([
            [5, 20_000],
            [105, 70_000],
          ]),
          run([
            [5, 20_500],
            [100, 68_000],
          ]),
        ],
        300,
      ),
    ).toBe('about 2 min left');
    expect(
      timeLeft(
        [
          run([
            [5, 20_000],
            [290, 162_500],
          ]),
        ],
        300,
      ),
    ).toBe('about 5 s left');
    expect(timeLeft([run([[5, 20_000]])], 300)).toBeUndefined();
    expect(
      timeLeft(
        [
          run([
            [5, 20_000],
            [300, 200_000],
          ]),
        ],
        300,
      ),
    ).toBeUndefined();
  });
});
