// The CLI's summary table in the page, for any comparison shown (live, reloaded or imported): one
// row per run with its latest loss, accuracy, perplexity, BrierLM, BLEU, speed and memory.
import { useId } from 'react';
import { baselineLines, summaryColumns, summaryRow } from '../../train/summary';
import { adapterNames } from '../format';
import type { RunView } from '../plots/runView';
import './views.css';

export function SummaryTable({ runs }: { runs: RunView[] }) {
  const headingId = useId();
  const adapters = adapterNames(runs.map((run) => run.record));
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Results</h2>
      {runs.length === 0 ? (
        <p className="muted">No runs yet.</p>
      ) : (
        <>
          <p className="card-intro">
            Each run’s latest figures. BLEU has every &lt;unk&gt; replaced by the source word under the most attention;
            “dedup” also drops repeated tokens, “&lt;unk&gt; kept” scores the output as emitted. Brier-1…4 (language
            models) is the Brier score of the next 1 to 4 tokens, each head sampled from its own distribution (higher is
            better, at most 1); BrierLM is 100 × their geometric mean. Measured on {adapters}.
          </p>
          <div className="samples-scroll">
            <table className="summary" data-testid="summary-table">
              <thead>
                <tr>
                  {summaryColumns.map((column) => (
                    <th scope="col" key={column}>
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {runs.map((run, index) => {
                  const [label, ...cells] = summaryRow(run.record);
                  return (
                    <tr key={index}>
                      <th scope="row">
                        <span className="swatch" style={{ background: run.color }} aria-hidden="true" />
                        {label}
                      </th>
                      {cells.map((cell, column) => (
                        <td key={column}>{cell}</td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {baselineLines(runs.map((run) => run.record)).map((line) => (
            <p key={line} className="card-intro">
              {line}
            </p>
          ))}
        </>
      )}
    </section>
  );
}
