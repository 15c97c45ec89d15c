// The figures the CLI's summary table and the page's results table share (src/train/summary.ts).
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SummaryTable } from '../../src/app/views/SummaryTable';
import { summaryColumns, summaryRow } from '../../src/train/summary';
import { record, view } from './plots-fixtures';

const finished = record('softmax', {
  status: 'finished',
  metrics: [{ step: 40, wallMs: 9000, tokens: 1000, loss: 2.34567, learningRate: 1e-3 }],
  evals: [
    {
      step: 40,
      wallMs: 9500,
      validLoss: 2.5,
      accuracy1: 0.4123,
      accuracy5: 0.7,
      perplexity: 12.18,
      brier: [0.2144, 0.05, 0.0112, -0.003],
      bleu: 9.876,
      bleuNoDuplicates: 10.5,
      bleuUnkKept: 7.25,
      unknownShare: 0.25,
    },
  ],
  speed: { tokensPerSecond: 812.4, compileMs: 1, warmupMs: 1, msPerStep: { total: 123.45 } },
  memory: { parameters: 2 ** 20, optimizerState: 2 ** 21, activations: 0, frozen: 0, outputLayerParams: 130000 },
});

describe('summary rows', () => {
  it('give every column a display string, with the latest loss and evaluation', () => {
    const row = summaryRow(finished);
    expect(row).toHaveLength(summaryColumns.length);
    expect(Object.fromEntries(summaryColumns.map((c, i) => [c, row[i]]))).toEqual({
      run: 'head: softmax',
      status: 'finished',
      steps: '40',
      'train loss': '2.346',
      'valid loss': '2.500',
      'acc@1': '41.2',
      'acc@5': '70.0',
      ppl: '12.2',
      'Brier-1…4': '0.214 / 0.050 / 0.011 / -0.003',
      BrierLM: '–',
      BLEU: '9.88',
      'BLEU dedup': '10.50',
      'BLEU <unk> kept': '7.25',
      '<unk> emitted %': '25.0',
      'tok/s': '812',
      'ms/step': '123.5',
      'out-layer params': '130,000',
      'param+opt MB': '3.0',
    });
  });

  it('show a dash for what is not measured yet or does not apply', () => {
    const row = summaryRow(record('vmf'));
    expect(row.slice(2)).toEqual(['0', ...Array(summaryColumns.length - 3).fill('–')]);
  });

  it('appear in the page as a table, one row per run, text escaped', () => {
    const hostile = { ...finished, label: '<b>run</b>' };
    const html = renderToStaticMarkup(
      createElement(SummaryTable, { runs: [view(hostile), view(record('vmf'), '#EE6677')] }),
    );
    expect(html.match(/<tr>/g)).toHaveLength(3);
    expect(html).toContain('&lt;b&gt;run&lt;/b&gt;');
    expect(html).toContain('<th scope="col">BLEU &lt;unk&gt; kept</th>');
    expect(html).toContain('<td>9.88</td>');
    expect(renderToStaticMarkup(createElement(SummaryTable, { runs: [] }))).toContain('No runs yet.');
  });
});
