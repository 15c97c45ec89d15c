// The one Plotly wrapper every plot uses. Plotly (≈1 MB) loads on first use, in its own chunk.
import type { Config, Layout } from 'plotly.js';
import { useEffect, useRef, useState } from 'react';
import '../views/views.css';
import type { Figure } from './figure';

type Plotly = typeof import('plotly.js');

let loading: Promise<Plotly> | undefined;

function loadPlotly(): Promise<Plotly> {
  loading ??= import('plotly.js-basic-dist-min').then((module) => module.default);
  // A failed chunk load (offline, redeploy) must not stick: the next plot tries again.
  loading.catch(() => (loading = undefined));
  return loading;
}

export interface PlotProps {
  figure: Figure;
  /** Read by screen readers (aria-label) and used as the Save PNG button's name: say what the plot shows. */
  label: string;
  /** The PNG's file name, without extension. */
  fileName: string;
  /** Shown instead of the plot (which is then not loaded) while there is nothing to draw. */
  empty?: string | undefined;
  height?: number;
}

export function Plot({ empty, height = 340, ...rest }: PlotProps) {
  if (empty) {
    return (
      // Shorter than the plot: a tall empty box reads as broken rather than waiting.
      <div className="plot plot-empty" style={{ minHeight: Math.min(height, 160) }}>
        <p>{empty}</p>
      </div>
    );
  }
  return <PlotlyPlot height={height} {...rest} />;
}

const config: Partial<Config> = {
  responsive: true,
  displaylogo: false,
  // Plotly 4 shows a "Share chart" button that uploads the data to Plotly Cloud; nothing here leaves the machine.
  showSendToCloud: false,
  // The wrapper has its own, labelled Save PNG button; lasso and box select do nothing here.
  modeBarButtonsToRemove: ['toImage', 'lasso2d', 'select2d'],
};

function PlotlyPlot({ figure, label, fileName, height }: Omit<PlotProps, 'empty'> & { height: number }) {
  const element = useRef<HTMLDivElement>(null);
  const [plotly, setPlotly] = useState<Plotly | 'failed'>();

  useEffect(() => {
    let live = true;
    loadPlotly().then(
      (library) => live && setPlotly(library),
      () => live && setPlotly('failed'),
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    const div = element.current;
    if (!div || !plotly || plotly === 'failed') return;
    // The card can change width without the window resizing (a panel opening beside it).
    const observer = new ResizeObserver(() => {
      // Resizing before the first draw, or while the div is hidden, rejects (the types say void, it
      // returns a promise); the next draw sizes the plot anyway.
      Promise.resolve(plotly.Plots.resize(div)).catch(() => undefined);
    });
    observer.observe(div);
    return () => {
      observer.disconnect();
      plotly.purge(div);
    };
  }, [plotly]);

  useEffect(() => {
    const div = element.current;
    if (!div || !plotly || plotly === 'failed') return;
    void plotly.react(div, figure.data, themed(figure.layout, div, height), config);
  }, [plotly, figure, height]);

  const save = () => {
    const div = element.current;
    if (!div || !plotly || plotly === 'failed') return;
    void plotly.downloadImage(div, { format: 'png', filename: fileName, width: div.clientWidth, height });
  };

  return (
    <figure className="plot">
      <div ref={element} role="img" aria-label={label} className="plot-canvas" style={{ minHeight: height }} />
      {plotly === undefined && (
        <p className="plot-status" role="status">
          Loading plot…
        </p>
      )}
      {plotly === 'failed' && (
        <p className="plot-status error-text" role="alert">
          The plotting library did not load. Reload the page to try again.
        </p>
      )}
      <button
        type="button"
        className="plot-save"
        onClick={save}
        disabled={!plotly || plotly === 'failed'}
        aria-label={`Save PNG: ${label}`}
      >
        Save PNG
      </button>
    </figure>
  );
}

/** The page's colours (light or dark) and shared defaults, under the figure's own layout. */
function themed(layout: Partial<Layout>, div: HTMLElement, height: number): Partial<Layout> {
  const css = getComputedStyle(div);
  const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const text = color('--text', '#1d2330');
  const card = color('--card', '#ffffff');
  const grid = color('--border', '#dde1e7');
  const axis = { gridcolor: grid, zerolinecolor: grid, linecolor: grid, automargin: true };
  return {
    autosize: true,
    height,
    margin: { l: 56, r: 24, t: 16, b: 48 },
    // An opaque background keeps the saved PNG readable in dark mode.
    paper_bgcolor: card,
    plot_bgcolor: card,
    font: { family: css.fontFamily, color: text, size: 12 },
    hovermode: 'x unified',
    hoverlabel: { bgcolor: card, bordercolor: grid, font: { color: text } },
    // Keeps zoom and legend clicks across live updates.
    uirevision: 'keep',
    template: { layout: { xaxis: axis, yaxis: axis } },
    ...layout,
    // Above the plot, where it never collides with the x-axis title; figures add only their own keys.
    legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom', ...layout.legend },
  };
}
