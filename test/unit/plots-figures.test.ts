import type { PlotData } from 'plotly.js';
import { describe, expect, it } from 'vitest';
import { finalThroughputFigure, kappaFigure, memoryCategories, memoryFigure } from '../../src/app/plots/summaryFigures';
import { evalFigure, lossFigure, throughputFigure } from '../../src/app/plots/trainingFigures';
import type { MetricPoint } from '../../src/train/record';
import { record, view } from './plots-fixtures';

const traces = (figure: { data: unknown[] }) => figure.data as Partial<PlotData>[];

const metrics = (losses: number[], tps?: number[]): MetricPoint[] =>
  losses.map((loss, i) => ({
    step: i + 1,
    wallMs: 1000 * (i + 1),
    tokens: 100 * (i + 1),
    loss,
    learningRate: 1e-3,
    tokensPerSecond: tps?.[i],
  }));

const softmax = view(record('softmax', { label: 'softmax', metrics: metrics([6, 5, NaN, 4]) }), '#111111');
const vmf = view(record('vmf', { label: 'vmf', metrics: metrics([-10, -30, -50], [Infinity, 200, 300]) }), '#222222');

describe('lossFigure', () => {
  it('draws one trace per run, in its colour, named by its label', () => {
    const data = traces(lossFigure([softmax, vmf], { normalised: false }));
    expect(data.map((t) => t.name)).toEqual(['softmax', 'vmf']);
    expect(data.map((t) => t.line?.color)).toEqual(['#111111', '#222222']);
    expect(data[0]!.x).toEqual([1, 2, 3, 4]);
    expect(data[0]!.y).toEqual([6, 5, null, 4]);
  });

  it('puts continuous heads on a right-hand axis when both families are present', () => {
    const figure = lossFigure([softmax, vmf], { normalised: false });
    expect(traces(figure).map((t) => t.yaxis)).toEqual([undefined, 'y2']);
    expect(figure.layout.yaxis2).toMatchObject({ overlaying: 'y', side: 'right' });
    const alone = lossFigure([vmf], { normalised: false });
    expect(traces(alone)[0]!.yaxis).toBeUndefined();
    expect(alone.layout.yaxis2).toBeUndefined();
  });

  it('rescales each run to its own [0, 1] on one axis when normalised, raw values kept for hover', () => {
    const figure = lossFigure([softmax, vmf], { normalised: true });
    const [a, b] = traces(figure);
    expect(a!.y).toEqual([1, 0.5, null, 0]);
    expect(b!.y).toEqual([1, 0.5, 0]);
    expect(b!.customdata).toEqual([-10, -30, -50]);
    expect(b!.yaxis).toBeUndefined();
    expect(figure.layout.yaxis2).toBeUndefined();
  });

  it('keeps hidden runs in the legend and handles no runs', () => {
    const hidden = { ...softmax, visible: false };
    expect(traces(lossFigure([hidden], { normalised: false }))[0]!.visible).toBe('legendonly');
    expect(lossFigure([], { normalised: false }).data).toEqual([]);
  });
});

describe('evalFigure', () => {
  const evals = [
    { step: 10, wallMs: 2500, validLoss: 3, accuracy1: 0.25, accuracy5: 0.5, bleu: 1.5, bleuUnkKept: 1.2 },
    { step: 20, wallMs: 5000, validLoss: 2, accuracy1: 0.5, accuracy5: 0.7, bleu: 4, bleuUnkKept: 3 },
  ];
  const translation = view(record('softmax', { label: 'mt', evals }));
  const lm = view(
    record('vmf', { label: 'lm', evals: evals.map(({ bleu: _bleu, bleuUnkKept: _kept, ...rest }) => rest) }),
  );

  it('plots accuracy@1 in percent and BLEU on a second panel, <unk> replaced and kept, against step or seconds', () => {
    const byStep = traces(evalFigure([translation, lm], 'step'));
    expect(byStep.map((t) => [t.name, t.yaxis])).toEqual([
      ['mt', undefined],
      ['mt', 'y2'],
      ['mt', 'y2'],
      ['lm', undefined],
    ]);
    expect(byStep[0]!.x).toEqual([10, 20]);
    expect(byStep[0]!.y).toEqual([25, 50]);
    expect(byStep[1]!.y).toEqual([1.5, 4]);
    expect(byStep[1]!.hovertemplate).toMatch(/unk replaced/);
    expect(byStep[2]!.y).toEqual([1.2, 3]);
    expect(byStep[2]!.hovertemplate).toMatch(/unk kept/);
    expect(byStep[0]!.legendgroup).toBe(byStep[2]!.legendgroup);
    expect(traces(evalFigure([translation], 'seconds'))[0]!.x).toEqual([2.5, 5]);
  });

  it('drops the BLEU panel when no run has BLEU', () => {
    const figure = evalFigure([lm], 'step');
    expect(figure.data).toHaveLength(1);
    expect(figure.layout.yaxis2).toBeUndefined();
  });
});

describe('throughput figures', () => {
  it('plots only finite readings against seconds', () => {
    const [a, b] = traces(throughputFigure([softmax, vmf]));
    expect(a!.x).toEqual([]);
    expect(b!.x).toEqual([2, 3]);
    expect(b!.y).toEqual([200, 300]);
  });

  it('bars each visible run by its summary speed, else its latest reading', () => {
    const summarised = view(
      record('softmax', {
        label: 's',
        speed: { tokensPerSecond: 999, compileMs: 0, warmupMs: 0, msPerStep: { total: 1 } },
      }),
    );
    const data = traces(finalThroughputFigure([summarised, vmf, softmax, { ...vmf, visible: false }]));
    expect(data.map((t) => [t.y, t.x])).toEqual([
      [['s'], [999]],
      [['vmf'], [300]],
    ]);
    expect(data[1]!.marker?.color).toBe('#222222');
  });
});

describe('memoryFigure', () => {
  it('stacks the four categories in MiB for each run that reported memory', () => {
    const mib = 1024 * 1024;
    const withMemory = view(
      record('vmf', {
        label: 'm',
        memory: {
          parameters: 2 * mib,
          optimizerState: 4 * mib,
          activations: mib / 2,
          frozen: 8 * mib,
          outputLayerParams: 10,
        },
      }),
    );
    const figure = memoryFigure([withMemory, softmax]);
    expect(figure.layout.barmode).toBe('stack');
    expect(traces(figure).map((t) => t.name)).toEqual(memoryCategories.map((c) => c.name));
    expect(traces(figure).map((t) => t.x)).toEqual([[2], [4], [0.5], [8]]);
    expect(traces(figure)[0]!.y).toEqual(['m']);
    expect(memoryFigure([softmax]).data).toEqual([]);
  });
});

describe('kappaFigure', () => {
  it('bins the latest κ of continuous runs over one shared range, as shares of tokens', () => {
    const kappaEval = (step: number, kappas: number[]) => ({
      step,
      wallMs: step,
      validLoss: 0,
      accuracy1: 0,
      accuracy5: 0,
      kappas,
    });
    const a = view(record('vmf', { label: 'a', evals: [kappaEval(1, [100]), kappaEval(2, [0, 1, 2, 3])] }));
    const b = view(record('vmf', { label: 'b', evals: [kappaEval(2, [4, 4])] }));
    const ignored = view(record('softmax', { evals: [kappaEval(2, [50])] }));
    const data = traces(kappaFigure([a, b, ignored], 4));
    expect(data.map((t) => t.name)).toEqual(['a', 'b']);
    expect(data[0]!.x).toEqual([0.5, 1.5, 2.5, 3.5]);
    expect(data[0]!.y).toEqual([25, 25, 25, 25]);
    expect(data[1]!.y).toEqual([0, 0, 0, 100]);
    expect(data[1]!.customdata).toEqual([0, 0, 0, 2]);
    expect(kappaFigure([softmax, vmf]).data).toEqual([]);
  });
});
