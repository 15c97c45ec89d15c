// The embedding map (a 2-D PCA of the most frequent target words) with one predicted direction.
import type { Data } from 'plotly.js';
import type { RunRecord } from '../../train/record';
import type { Figure } from '../plots/figure';
import type { DecodedToken } from './samples';

export type EmbeddingMap = NonNullable<RunRecord['embeddingMap']>;

/** The map lists words most frequent first; naming the first few orients the reader without clutter. */
export const labelledWords = 12;

/**
 * Every map word as a grey point (its word on hover), the first few labelled, and for the chosen
 * token its predicted direction μ (tokens[i].x, .y) as a star with lines to those of its top-5
 * neighbours that are on the map.
 */
export function embeddingFigure(map: EmbeddingMap, color: string, token?: DecodedToken): Figure {
  const data: Data[] = [
    {
      type: 'scatter',
      mode: 'markers',
      name: 'Target words',
      x: map.x,
      y: map.y,
      text: map.words,
      hovertemplate: '%{text}<extra></extra>',
      marker: { color: '#9aa3b2', size: 5, opacity: 0.6 },
    },
    {
      type: 'scatter',
      mode: 'text',
      name: 'Most frequent words',
      showlegend: false,
      hoverinfo: 'skip',
      x: map.x.slice(0, labelledWords),
      y: map.y.slice(0, labelledWords),
      text: map.words.slice(0, labelledWords),
      textposition: 'top center',
    },
  ];
  if (token?.x !== undefined && token.y !== undefined) {
    const position = new Map(map.words.map((word, i) => [word, i]));
    const onMap = token.neighbours.flatMap((neighbour) => {
      const i = position.get(neighbour.token);
      return i === undefined ? [] : [{ ...neighbour, x: map.x[i]!, y: map.y[i]!, labelled: i < labelledWords }];
    });
    if (onMap.length > 0) {
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: 'To its neighbours',
        hoverinfo: 'skip',
        // One trace for all lines: null breaks the line between segments.
        x: onMap.flatMap((n) => [token.x!, n.x, null]),
        y: onMap.flatMap((n) => [token.y!, n.y, null]),
        line: { color, width: 1, dash: 'dot' },
      });
      data.push({
        type: 'scatter',
        mode: 'text+markers',
        name: 'Top-5 neighbours on the map',
        x: onMap.map((n) => n.x),
        y: onMap.map((n) => n.y),
        // Words the map already labels are not labelled twice.
        text: onMap.map((n) => (n.labelled ? '' : n.token)),
        customdata: onMap.map((n) => [n.token, n.score]),
        textposition: 'bottom center',
        hovertemplate: '%{customdata[0]}: score %{customdata[1]:.3f}<extra></extra>',
        marker: { color, size: 9, symbol: 'circle-open', line: { width: 2 } },
      });
    }
    const kappa = token.kappa === undefined ? '' : ` (κ ${token.kappa.toPrecision(3)})`;
    data.push({
      type: 'scatter',
      mode: 'text+markers',
      name: `Predicted direction for “${token.token}”`,
      x: [token.x],
      y: [token.y],
      text: [token.token],
      textposition: 'top center',
      hovertemplate: `predicted “%{text}”${kappa}<extra></extra>`,
      marker: { color, size: 16, symbol: 'star', line: { color: '#000', width: 1 } },
    });
  }
  return {
    data,
    layout: {
      hovermode: 'closest',
      xaxis: { title: { text: 'Principal component 1' }, zeroline: false },
      // Equal units on both axes, so distances on screen match distances on the map.
      yaxis: { title: { text: 'Principal component 2' }, zeroline: false, scaleanchor: 'x' },
    },
  };
}
