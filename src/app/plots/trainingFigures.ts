// Figures of quantities recorded during training: loss, validation accuracy and BLEU, throughput.
import type { Data } from 'plotly.js';
import type { Figure } from './figure';
import { normaliseRange } from './histogram';
import { finiteOrNull, isContinuous, traceVisibility, type RunView } from './runView';

export interface LossOptions {
  /** Rescale each run's curve to [0, 1] of its own range instead of one axis per loss family. */
  normalised: boolean;
}

/**
 * Training loss against step, one trace per run. Softmax cross-entropy (≥ 0) and the continuous
 * losses (NLLvMF can be negative, L2 and cosine have other ranges) do not share a scale: unless
 * normalised, the continuous family gets its own right-hand axis when both families are present.
 */
export function lossFigure(runs: readonly RunView[], { normalised }: LossOptions): Figure {
  const families = new Set(runs.map((run) => (isContinuous(run.record) ? 'continuous' : 'discrete')));
  const twoAxes = !normalised && families.size === 2;
  const data: Data[] = runs.map((run) => {
    const { metrics } = run.record;
    const raw = metrics.map((point) => point.loss);
    const continuous = isContinuous(run.record);
    return {
      type: 'scatter',
      mode: 'lines',
      name: run.record.label,
      x: metrics.map((point) => point.step),
      y: normalised ? normaliseRange(raw) : raw.map((value) => finiteOrNull(value)),
      // The raw loss stays readable on hover when the curve is rescaled.
      customdata: raw.map((value) => finiteOrNull(value)),
      hovertemplate: normalised ? '%{y:.3f} (loss %{customdata:.4g})' : '%{y:.4g}',
      line: { color: run.color, width: 2 },
      visible: traceVisibility(run),
      ...(twoAxes && continuous ? { yaxis: 'y2' } : {}),
      ...(twoAxes
        ? {
            legendgroup: continuous ? 'continuous' : 'discrete',
            legendgrouptitle: { text: continuous ? 'Continuous (right axis)' : 'Softmax (left axis)' },
          }
        : {}),
    } as Data;
  });
  const yTitle = normalised
    ? 'Loss, rescaled to its own range'
    : families.has('discrete')
      ? 'Cross-entropy (nats)'
      : 'Continuous-head loss';
  return {
    data,
    layout: {
      xaxis: { title: { text: 'Step' } },
      yaxis: { title: { text: yTitle }, ...(normalised ? { range: [-0.02, 1.02] } : {}) },
      ...(twoAxes
        ? { yaxis2: { title: { text: 'Continuous-head loss' }, overlaying: 'y', side: 'right', showgrid: false } }
        : {}),
      // One click hides one run even where runs are grouped by axis.
      legend: { groupclick: 'toggleitem' },
    },
  };
}

export type TimeAxis = 'step' | 'seconds';

const timeTitle: Record<TimeAxis, string> = { step: 'Step', seconds: 'Wall-clock time (s)' };

function timeOf(point: { step: number; wallMs: number }, axis: TimeAxis): number {
  return axis === 'step' ? point.step : point.wallMs / 1000;
}

/**
 * Validation accuracy@1 (top panel) and BLEU (bottom panel, translation runs only: solid with <unk>
 * replaced from the source, dotted with <unk> kept) against step or wall-clock seconds. A run's
 * traces share a legend group, so one click hides the run.
 */
export function evalFigure(runs: readonly RunView[], axis: TimeAxis): Figure {
  const withBleu = runs.filter((run) => run.record.evals.some((point) => point.bleu !== undefined));
  const data: Data[] = [];
  runs.forEach((run, index) => {
    const { evals, label } = run.record;
    const common = {
      type: 'scatter' as const,
      mode: 'lines+markers' as const,
      name: label,
      legendgroup: `run${index}`,
      line: { color: run.color, width: 2 },
      marker: { color: run.color, size: 6 },
      visible: traceVisibility(run),
    };
    data.push({
      ...common,
      x: evals.map((point) => timeOf(point, axis)),
      y: evals.map((point) => point.accuracy1 * 100),
      hovertemplate: '%{y:.1f} %',
    });
    if (withBleu.includes(run)) {
      const scored = evals.filter((point) => point.bleu !== undefined);
      data.push({
        ...common,
        showlegend: false,
        yaxis: 'y2',
        x: scored.map((point) => timeOf(point, axis)),
        y: scored.map((point) => point.bleu!),
        hovertemplate: 'BLEU %{y:.2f} (unk replaced from the source)',
      });
      // Beside the headline, dotted: BLEU with every <unk> kept as emitted (records older than the replacement have
      // none).
      const kept = scored.filter((point) => point.bleuUnkKept !== undefined);
      if (kept.length > 0) {
        data.push({
          ...common,
          showlegend: false,
          yaxis: 'y2',
          line: { ...common.line, dash: 'dot' },
          x: kept.map((point) => timeOf(point, axis)),
          y: kept.map((point) => point.bleuUnkKept!),
          hovertemplate: 'BLEU %{y:.2f} (unk kept as emitted)',
        });
      }
    }
  });
  const split = withBleu.length > 0;
  return {
    data,
    layout: {
      xaxis: { title: { text: timeTitle[axis] }, anchor: split ? 'y2' : 'y' },
      yaxis: { title: { text: 'Accuracy@1 (%)' }, rangemode: 'tozero', ...(split ? { domain: [0.55, 1] } : {}) },
      ...(split
        ? {
            yaxis2: { title: { text: 'BLEU (dotted: unk kept)' }, rangemode: 'tozero', domain: [0, 0.42], anchor: 'x' },
          }
        : {}),
    },
  };
}

/** Tokens per second against wall-clock seconds; points before the first throughput reading are left out. */
export function throughputFigure(runs: readonly RunView[]): Figure {
  const data: Data[] = runs.map((run) => {
    const points = run.record.metrics.filter((point) => finiteOrNull(point.tokensPerSecond) !== null);
    return {
      type: 'scatter',
      mode: 'lines',
      name: run.record.label,
      x: points.map((point) => point.wallMs / 1000),
      y: points.map((point) => point.tokensPerSecond!),
      hovertemplate: '%{y:,.0f} tokens/s',
      line: { color: run.color, width: 2 },
      visible: traceVisibility(run),
    };
  });
  return {
    data,
    layout: {
      xaxis: { title: { text: 'Wall-clock time (s)' } },
      yaxis: { title: { text: 'Target tokens / s' }, rangemode: 'tozero' },
    },
  };
}
