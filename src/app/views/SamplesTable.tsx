// Decoded validation samples side by side. Every string is rendered as a React text node, never
// as markup: hypotheses come from a model and uploads, and may contain anything.
import { useId, useMemo } from 'react';
import type { RunView } from '../plots/runView';
import { sameToken, sampleRows, tokenAt, type DecodedToken, type Hypothesis, type TokenRef } from './samples';
import { useTokenSelection, type TokenSelectionProps } from './useTokenSelection';
import './views.css';

export function SamplesTable({ runs, ...selection }: { runs: RunView[] } & TokenSelectionProps) {
  const headingId = useId();
  const [selected, select] = useTokenSelection(selection);
  const rows = useMemo(() => sampleRows(runs), [runs]);
  const columns = runs.flatMap((run, index) => (run.visible ? [{ run, index }] : []));
  const chosen = tokenAt(runs, selected);
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Decoded samples</h2>
      {rows.length === 0 ? (
        <p className="muted">
          {runs.length === 0 ? 'No runs yet.' : 'Decoded samples appear after the first evaluation.'}
        </p>
      ) : (
        <>
          <p className="card-intro">
            Each run’s latest evaluation. Choose a word of a hypothesis to see its top-5 neighbours (and κ for
            continuous heads).
          </p>
          <div className="samples-scroll">
            <table className="samples">
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">Reference</th>
                  {columns.map(({ run, index }) => (
                    <th scope="col" key={index}>
                      <span className="swatch" style={{ background: run.color }} aria-hidden="true" />
                      {run.record.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.key}>
                    <td>{row.source}</td>
                    <td>{row.reference}</td>
                    {columns.map(({ index }) => (
                      <td key={index}>
                        <HypothesisCell
                          hypothesis={row.hypotheses[index]}
                          run={index}
                          selected={selected}
                          onSelect={select}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <div className="token-detail" aria-live="polite">
        {selected && chosen && (
          <TokenDetail label={runs[selected.run]!.record.label} token={chosen} onClose={() => select(null)} />
        )}
      </div>
    </section>
  );
}

function HypothesisCell(props: {
  hypothesis: Hypothesis | undefined;
  run: number;
  selected: TokenRef | null;
  onSelect: (ref: TokenRef | null) => void;
}) {
  const { hypothesis, run, selected, onSelect } = props;
  if (!hypothesis) return <span className="muted">—</span>;
  if (!hypothesis.tokens) return <>{hypothesis.text}</>;
  return (
    <span className="tokens">
      {hypothesis.tokens.map((token, index) => {
        const ref = { run, sample: hypothesis.sample, token: index };
        const pressed = sameToken(ref, selected);
        return (
          <button
            key={index}
            type="button"
            className="token"
            aria-pressed={pressed}
            onClick={() => onSelect(pressed ? null : ref)}
          >
            {token.token}
          </button>
        );
      })}
    </span>
  );
}

function TokenDetail({ label, token, onClose }: { label: string; token: DecodedToken; onClose: () => void }) {
  return (
    <div className="token-card">
      <div className="card-head">
        <h3>
          “{token.token}” <span className="hint-inline">{label}</span>
        </h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {token.kappa !== undefined && <p>κ = ‖ê‖ = {token.kappa.toPrecision(4)}</p>}
      <table className="neighbours">
        <caption>Top-{token.neighbours.length} neighbours</caption>
        <thead>
          <tr>
            <th scope="col">Word</th>
            <th scope="col" className="num">
              Score
            </th>
          </tr>
        </thead>
        <tbody>
          {token.neighbours.map((neighbour, index) => (
            <tr key={index}>
              <td>{neighbour.token}</td>
              <td className="num">{neighbour.score.toFixed(3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
