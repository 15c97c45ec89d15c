import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { HistoryPanel } from '../../src/app/components/HistoryPanel';
import { ShareButton } from '../../src/app/components/ShareButton';
import {
  experimentTitle,
  HistoryUnavailableError,
  listExperiments,
  newExperimentId,
  saveExperiment,
  summarize,
  type SavedExperiment,
} from '../../src/app/history/db';
import { exportBaseName, importRunFile, maxImportBytes } from '../../src/app/history/files';
import { resolvePreset } from '../../src/experiments/presets';
import { toJson, type ComparisonRecord, type RunRecord } from '../../src/train/record';

const { base, runs } = resolvePreset('tiny-demo');

function run(label: string, steps: number[], status: RunRecord['status'] = 'running'): RunRecord {
  return {
    format: 'continuum-run',
    formatVersion: 1,
    label,
    config: base,
    adapter: 'SwiftShader',
    startedAt: '2025-01-02T03:04:05.678Z',
    status,
    metrics: steps.map((step) => ({ step, wallMs: step * 10, tokens: step * 100, loss: 5, learningRate: 1e-3 })),
    evals: [],
  };
}

const comparison: ComparisonRecord = {
  format: 'continuum-comparison',
  formatVersion: 1,
  preset: 'tiny-demo',
  runs: [run(runs[0]!.label, [5, 10], 'finished'), run(runs[1]!.label, [])],
};

const entry: SavedExperiment = {
  id: 'a1',
  savedAt: '2025-01-02T03:05:00.000Z',
  title: experimentTitle(comparison),
  url: '?v=1&preset=tiny-demo',
  comparison,
};

const file = (name: string, text: string, size = text.length) => ({ name, size, text: async () => text });

describe('history helpers', () => {
  it('titles an experiment by its preset and heads', () => {
    expect(experimentTitle(comparison)).toBe('tiny-demo: softmax vs NLLvMF log(1+κ)(λ−cos) λ=0.2');
    expect(experimentTitle({ ...comparison, preset: undefined, runs: [] })).toBe('experiment (no runs)');
    expect(
      experimentTitle({ ...comparison, runs: Array.from({ length: 20 }, (_, i) => run(`head: run ${i}`, [])) }),
    ).toHaveLength(120);
  });

  it('summarises without the metrics', () => {
    expect(summarize(entry)).toEqual({
      id: 'a1',
      savedAt: entry.savedAt,
      title: entry.title,
      url: entry.url,
      runs: [
        { label: 'head: softmax', status: 'finished', steps: 10 },
        { label: 'head: NLLvMF log(1+κ)(λ−cos) λ=0.2', status: 'running', steps: 0 },
      ],
    });
  });

  it('makes distinct ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newExperimentId(0)));
    expect(ids.size).toBe(1000);
    expect(newExperimentId(36 ** 3)).toMatch(/^1000-[0-9a-f]{12}$/);
  });

  it('fails clearly without IndexedDB (Node has none, like a locked-down browser)', async () => {
    await expect(saveExperiment(entry)).rejects.toThrow(HistoryUnavailableError);
    await expect(listExperiments()).rejects.toThrow(/no IndexedDB\. Export the results as JSON/);
  });
});

describe('run files', () => {
  it('names exports safely', () => {
    expect(exportBaseName(comparison)).toBe('continuum-tiny-demo-2025-01-02T03-04-05');
    expect(exportBaseName({ ...comparison, preset: 'a/b:c d' })).toBe('continuum-a-b-c-d-2025-01-02T03-04-05');
  });

  it('imports what the CLI writes, one run or a comparison', async () => {
    expect(await importRunFile(file('c.json', toJson(comparison)))).toEqual({ ok: true, comparison });
    expect(await importRunFile(file('r.json', toJson(comparison.runs[0]!)))).toEqual({
      ok: true,
      comparison: { format: 'continuum-comparison', formatVersion: 1, runs: [comparison.runs[0]] },
    });
  });

  it('explains a bad file', async () => {
    expect(await importRunFile(file('notes.json', 'hello'))).toEqual({
      ok: false,
      error: expect.stringMatching(/^notes\.json: Not a run file: the text is not valid JSON/),
    });
    expect(await importRunFile(file('x.json', '{"format":"other"}'))).toEqual({
      ok: false,
      error: 'x.json: Not a run file: "format" must be "continuum-run" or "continuum-comparison", got "other"',
    });
    expect(await importRunFile(file('big.json', '', maxImportBytes + 1))).toEqual({
      ok: false,
      error: 'big.json: 50.0 MB is larger than a run file can be (at most 50 MB).',
    });
    const unreadable = { name: 'gone.json', size: 1, text: () => Promise.reject(new Error('NotFoundError')) };
    expect(await importRunFile(unreadable)).toEqual({
      ok: false,
      error: 'gone.json: could not be read (NotFoundError).',
    });
  });
});

describe('history and share components', () => {
  const noop = () => {};

  it('lists entries with labelled buttons and escapes stored text', () => {
    const hostile = { ...summarize(entry), title: '<img src=x onerror=alert(1)>' };
    const html = renderToStaticMarkup(
      createElement(HistoryPanel, { entries: [hostile], onOpen: noop, onExport: noop, onDelete: noop, onImport: noop }),
    );
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    for (const action of ['Open', 'Export', 'Delete'])
      expect(html).toMatch(new RegExp(`aria-label="${action} &lt;img`));
    expect(html).toContain('head: softmax: finished, step 10');
    expect(html).toMatch(/<label for="[^"]+-import">Import a run file/);
    expect(html).toContain('accept=".json,application/json"');
  });

  it('says when nothing is saved or saving is impossible', () => {
    const props = { onOpen: noop, onExport: noop, onDelete: noop, onImport: noop };
    expect(renderToStaticMarkup(createElement(HistoryPanel, { entries: [], ...props }))).toContain('Nothing saved yet');
    expect(
      renderToStaticMarkup(createElement(HistoryPanel, { entries: [], unavailable: 'No IndexedDB.', ...props })),
    ).toContain('No IndexedDB.');
  });

  it('renders the share button with its autostart checkbox', () => {
    const html = renderToStaticMarkup(
      createElement(ShareButton, { experiment: { preset: 'tiny-demo', base, variants: [] } }),
    );
    expect(html).toContain('Copy link');
    expect(html).toMatch(/<input type="checkbox"\/> start training when the link opens/);
  });
});
