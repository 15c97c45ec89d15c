// The synthetic bottleneck sweep as lines against the hidden size d, one per head: the picture of
// the softmax bottleneck is a softmax line that sits below the others at small d and meets them as
// d grows.
import type { Data } from 'plotly.js';
import type { BottleneckRow } from '../../train/bottleneck';
import { runColor } from './colors';
import type { Figure } from './figure';

export const bottleneckMetrics = {
  modeAccuracy: {
    title: 'Mode-matching accuracy (%)',
    of: (row: BottleneckRow) => 100 * row.modeAccuracy,
    format: '.1f',
  },
  kl: { title: 'KL(p* ‖ q), nats', of: (row: BottleneckRow) => row.kl, format: '.4f' },
  ce: { title: 'Cross-entropy, nats', of: (row: BottleneckRow) => row.ce, format: '.4f' },
} as const;

export type BottleneckMetric = keyof typeof bottleneckMetrics;

/**
 * One line per head in `heads` order (so a head keeps its colour as rows arrive), x = d on a log2
 * axis ticked at the sweep's sizes. For cross-entropy, `floor` = H(p*) draws the best reachable value.
 */
export function bottleneckFigure(
  rows: readonly BottleneckRow[],
  heads: readonly string[],
  dims: readonly number[],
  metric: BottleneckMetric,
  floor?: number,
): Figure {
  const { title, of, format } = bottleneckMetrics[metric];
  const data: Data[] = heads.flatMap((head, i) => {
    const mine = rows.filter((row) => row.head === head).sort((a, b) => a.d - b.d);
    if (mine.length === 0) return [];
    return [
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: head,
        x: mine.map((row) => row.d),
        y: mine.map(of),
        line: { color: runColor(i) },
        marker: { color: runColor(i) },
        hovertemplate: `${head}: %{y:${format}}<extra></extra>`,
      } as Data,
    ];
  });
  if (metric === 'ce' && floor !== undefined && data.length > 0) {
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: 'H(p*) (lowest possible)',
      x: [Math.min(...dims), Math.max(...dims)],
      y: [floor, floor],
      line: { color: '#888888', dash: 'dot' },
      hovertemplate: `H(p*): %{y:${format}}<extra></extra>`,
    } as Data);
  }
  return {
    data,
    layout: {
      xaxis: { title: { text: 'Hidden size d' }, type: 'log', tickvals: [...dims], ticktext: dims.map(String) },
      yaxis: { title: { text: title }, ...(metric === 'modeAccuracy' ? { range: [0, 100] } : {}) },
    },
  };
}
