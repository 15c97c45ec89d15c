// `continuum reproduce` writes its figures as PNG files. plotly draws them exactly as the page's plots
// do, inside the system Chromium: a blank page with the app's own plotly bundle injected from
// node_modules, so nothing is fetched and no dev server is needed. One browser session serves all
// figures because launching Chromium costs seconds while one figure costs a fraction of that.
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { launchChromium } from '../chromium';

export interface FigureSpec {
  /** Output path of the PNG. */
  file: string;
  /** plotly traces (scatter lines/markers, bar) and layout, as plain JSON. */
  data: object[];
  layout: object;
  width?: number; // default 720
  height?: number; // default 420
}

/**
 * The house look, merged under the caller's layout: a white background (figures land in papers and
 * READMEs, not on the dark app), 14 px text that still reads when a 720 px figure is shrunk to a
 * column, and margins wide enough for axis titles and tick labels.
 */
const defaultLayout = {
  paper_bgcolor: '#ffffff',
  plot_bgcolor: '#ffffff',
  font: { family: 'DejaVu Sans, Arial, sans-serif', size: 14, color: '#222222' },
  margin: { l: 72, r: 24, t: 56, b: 60 },
  xaxis: { gridcolor: '#e5e5e5', linecolor: '#888888', showline: true, zeroline: false, automargin: true },
  yaxis: { gridcolor: '#e5e5e5', linecolor: '#888888', showline: true, zeroline: false, automargin: true },
  legend: { bgcolor: 'rgba(255,255,255,0.8)' },
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Recursive merge where `over` wins; only plain objects are merged, arrays and scalars are replaced. */
function mergeUnder(under: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...under };
  for (const [key, value] of Object.entries(over)) {
    merged[key] =
      isPlainObject(value) && isPlainObject(merged[key])
        ? mergeUnder(merged[key] as Record<string, unknown>, value)
        : value;
  }
  return merged;
}

/**
 * plotly 3+ ignores a bare string as `title` (it wants `{ text }`), and callers naturally write
 * `title: 'Loss'`; lifting the strings keeps those titles from silently vanishing.
 */
function liftTitles(layout: Record<string, unknown>): Record<string, unknown> {
  const lifted = { ...layout };
  if (typeof lifted.title === 'string') lifted.title = { text: lifted.title };
  for (const [key, value] of Object.entries(lifted)) {
    if (/^[xy]axis\d*$/.test(key) && isPlainObject(value) && typeof value.title === 'string') {
      lifted[key] = { ...value, title: { text: value.title } };
    }
  }
  return lifted;
}

/** Renders every figure to its PNG in one browser session; creates parent folders. Returns the files written. */
export async function renderFigures(figures: FigureSpec[]): Promise<string[]> {
  // Check the specs before paying for a browser, and name the file so a caller with many figures knows which.
  for (const figure of figures) {
    if (!Array.isArray(figure.data)) throw new Error(`Figure ${figure.file}: data must be an array of plotly traces`);
    if (!isPlainObject(figure.layout)) throw new Error(`Figure ${figure.file}: layout must be an object`);
  }
  if (figures.length === 0) return [];
  const plotlyPath = createRequire(import.meta.url).resolve('plotly.js-basic-dist-min');
  const browser = await launchChromium({ webgpu: false });
  try {
    const page = await browser.context.newPage();
    await page.addScriptTag({ path: plotlyPath });
    const written: string[] = [];
    for (const figure of figures) {
      const width = figure.width ?? 720;
      const height = figure.height ?? 420;
      const layout = mergeUnder(defaultLayout, liftTitles(figure.layout as Record<string, unknown>));
      let dataUrl: string;
      try {
        dataUrl = await page.evaluate(
          ({ data, layout, width, height }) => {
            const plotly = (window as unknown as { Plotly: typeof import('plotly.js') }).Plotly;
            // scale 2: sharp on high-density screens and in print, at the requested layout size.
            return plotly.toImage({ data, layout } as Parameters<typeof plotly.toImage>[0], {
              format: 'png',
              width,
              height,
              scale: 2,
            });
          },
          { data: figure.data, layout, width, height },
        );
      } catch (error) {
        throw new Error(`Figure ${figure.file}: plotly could not render it: ${(error as Error).message}`);
      }
      const prefix = 'data:image/png;base64,';
      if (!dataUrl.startsWith(prefix)) throw new Error(`Figure ${figure.file}: plotly returned no PNG`);
      await mkdir(dirname(figure.file), { recursive: true });
      await writeFile(figure.file, Buffer.from(dataUrl.slice(prefix.length), 'base64'));
      written.push(figure.file);
    }
    return written;
  } finally {
    await browser.close();
  }
}
