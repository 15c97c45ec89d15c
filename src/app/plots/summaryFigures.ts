// Figures that compare runs by one number or one distribution each: final throughput, memory, κ.
import type { Data } from 'plotly.js';
import type { Figure } from './figure';
import { extent, histogram } from './histogram';
import { finiteOrNull, isContinuous, latestEval, traceVisibility, type RunView } from './runView';

const mebibyte = 1024 * 1024;

/** Horizontal bars read long run labels ("head: vmf, λ 0.2") without tilting them; the first run on top. */
const runAxis = { automargin: true, autorange: 'reversed' as const, type: 'category' as const };

/** The run's summary throughput, or else its latest reading while it is still training. */
export function finalTokensPerSecond(run: RunView): number | null {
  const summary = finiteOrNull(run.record.speed?.tokensPerSecond);
  if (summary !== null) return summary;
  const { metrics } = run.record;
  for (let i = metrics.length - 1; i >= 0; i--) {
    const value = finiteOrNull(metrics[i]!.tokensPerSecond);
    if (value !== null) return value;
  }
  return null;
}

/** One bar per visible run that has a throughput, in the run's colour (one trace each for that). */
export function finalThroughputFigure(runs: readonly RunView[]): Figure {
  const data: Data[] = runs.flatMap((run) => {
    const value = finalTokensPerSecond(run);
    if (!run.visible || value === null) return [];
    return [
      {
        type: 'bar',
        orientation: 'h',
        name: run.record.label,
        y: [run.record.label],
        x: [value],
        marker: { color: run.color },
        hovertemplate: '%{x:,.0f} tokens/s<extra></extra>',
      } as Data,
    ];
  });
  return {
    data,
    layout: {
      showlegend: false,
      hovermode: 'closest',
      xaxis: { title: { text: 'Target tokens / s' }, rangemode: 'tozero' },
      yaxis: runAxis,
    },
  };
}

export const memoryCategories = [
  { key: 'parameters', name: 'Parameters', color: '#332288' },
  { key: 'optimizerState', name: 'Optimizer state', color: '#88CCEE' },
  { key: 'activations', name: 'Activations (peak per step)', color: '#DDCC77' },
  { key: 'frozen', name: 'Frozen tables', color: '#AA4499' },
] as const;

/** Stacked bars of memory by category in MiB, one bar per visible run that reported memory. */
export function memoryFigure(runs: readonly RunView[]): Figure {
  const shown = runs.filter((run) => run.visible && run.record.memory);
  const data: Data[] = memoryCategories.map(({ key, name, color }) => ({
    type: 'bar',
    orientation: 'h',
    name,
    y: shown.map((run) => run.record.label),
    x: shown.map((run) => run.record.memory![key] / mebibyte),
    marker: { color },
    hovertemplate: `${name}: %{x:.2f} MiB<extra></extra>`,
  }));
  return {
    data: shown.length > 0 ? data : [],
    layout: {
      barmode: 'stack',
      hovermode: 'y unified',
      xaxis: { title: { text: 'MiB' }, rangemode: 'tozero' },
      yaxis: runAxis,
      legend: { traceorder: 'normal' },
    },
  };
}

/**
 * The κ = ‖ê‖ distribution of each continuous run's latest evaluation, as the share of tokens per
 * bin. All runs share one set of bins so their bars line up.
 */
export function kappaFigure(runs: readonly RunView[], bins = 30): Figure {
  const withKappas = runs.flatMap((run) => {
    const point = isContinuous(run.record) ? latestEval(run.record, 'kappas') : undefined;
    return point && point.kappas.length > 0 ? [{ run, point }] : [];
  });
  const range = extent(withKappas.flatMap(({ point }) => point.kappas));
  const data: Data[] = withKappas.map(({ run, point }) => {
    const { edges, counts } = histogram(point.kappas, bins, range);
    const total = counts.reduce((sum, count) => sum + count, 0);
    return {
      type: 'bar',
      name: run.record.label,
      x: counts.map((_, i) => (edges[i]! + edges[i + 1]!) / 2),
      y: counts.map((count) => (100 * count) / Math.max(1, total)),
      width: counts.map((_, i) => edges[i + 1]! - edges[i]!),
      customdata: counts,
      hovertemplate: `%{customdata} tokens (%{y:.1f} %) at step ${point.step}`,
      marker: { color: run.color },
      opacity: 0.6,
      visible: traceVisibility(run),
    } as Data;
  });
  return {
    data,
    layout: {
      barmode: 'overlay',
      bargap: 0,
      hovermode: 'closest',
      xaxis: { title: { text: 'κ = ‖ê‖' } },
      yaxis: { title: { text: 'Share of tokens (%)' } },
    },
  };
}
