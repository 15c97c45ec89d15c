import type { Data, Layout } from 'plotly.js';

/** What a pure figure builder returns and <Plot> draws: built without a DOM, so tests can check it. */
export interface Figure {
  data: Data[];
  layout: Partial<Layout>;
}
