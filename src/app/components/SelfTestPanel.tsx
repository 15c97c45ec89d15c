import { memo } from 'react';
import { formatCheckError, type KernelCheck, type KernelCheckResult } from '../../selftest';
import { describeTuned } from '../../tensor/ops/tunables';
import { formatSeconds } from '../format';
import type { SelfTestState } from '../store';

interface Props {
  checks: KernelCheck[];
  state: SelfTestState;
  /** Why the run cannot start or had to stop (device lost), if it did. */
  blockedBy?: string;
  onRun(): void;
}

export function SelfTestPanel({ checks, state, blockedBy, onRun }: Props) {
  const { running, results } = state;
  return (
    <section className="card" aria-labelledby="selftest-heading">
      <div className="card-head">
        <h2 id="selftest-heading">Kernel self-test</h2>
        <button
          type="button"
          className="primary"
          onClick={onRun}
          disabled={running || Boolean(blockedBy)}
          aria-describedby="selftest-summary"
        >
          {running ? 'Running self-test…' : 'Run self-test'}
        </button>
      </div>
      <p className="card-intro">
        Runs every kernel on this GPU at awkward sizes and compares the output with a float64 CPU reference.
      </p>
      <p id="selftest-summary" className={`summary ${summaryTone(state)}`} role="status" data-testid="selftest-summary">
        {summaryText(checks.length, state, blockedBy)}
      </p>
      {(state.kernels || running) && (
        <p className="card-intro" data-testid="selftest-kernels">
          Kernels chosen for this adapter: {kernelsText(state.kernels)}
        </p>
      )}
      <table className="results" aria-busy={running}>
        <caption className="visually-hidden">Self-test results</caption>
        <colgroup>
          <col className="col-kernel" />
          <col className="col-sizes" />
          <col className="col-num" />
          <col className="col-num" />
          <col className="col-num" />
          <col className="col-result" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Kernel</th>
            <th scope="col">Sizes</th>
            <th scope="col" className="num">
              Max abs err
            </th>
            <th scope="col" className="num">
              Max rel err
            </th>
            <th scope="col" className="num">
              Tolerance
            </th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((check, i) => (
            <ResultRow key={i} check={check} result={results[i]} isRunning={running && i === results.length} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * One check's row. Memoised: each finished check re-renders the table, and without it all ~800 rows
 * would render again for every check, ~650 000 row renders over one self-test.
 */
const ResultRow = memo(function ResultRow({
  check,
  result,
  isRunning,
}: {
  check: KernelCheck;
  result?: KernelCheckResult;
  isRunning: boolean;
}) {
  if (!result) {
    return (
      <tr className="pending">
        <th scope="row">{check.kernel}</th>
        <td>{check.sizes}</td>
        <td className="num">—</td>
        <td className="num">—</td>
        <td className="num">{formatCheckError(check.tolerance)}</td>
        <td>
          {isRunning ? <span className="badge badge-running">running…</span> : <span className="muted">not run</span>}
        </td>
      </tr>
    );
  }
  return (
    <tr className={result.pass ? 'passed' : 'failed'}>
      <th scope="row">{result.kernel}</th>
      <td>{result.sizes}</td>
      <td className="num">{formatCheckError(result.maxAbs)}</td>
      <td className="num">{formatCheckError(result.maxRel)}</td>
      <td className="num">{formatCheckError(result.tolerance)}</td>
      <td>
        <span className={result.pass ? 'badge badge-yes' : 'badge badge-no'}>{result.pass ? 'pass' : 'fail'}</span>
        {result.error && <span className="error-text">{result.error}</span>}
      </td>
    </tr>
  );
});

function kernelsText(kernels: SelfTestState['kernels']): string {
  return kernels ? describeTuned(kernels).join('; ') : 'timing the candidates…';
}

function summaryText(total: number, { running, results, elapsedMs }: SelfTestState, blockedBy?: string): string {
  const passed = results.filter((r) => r.pass).length;
  const failed = results.length - passed;
  if (running) return `Running check ${results.length + 1} of ${total} (${passed} passed, ${failed} failed so far)…`;
  if (blockedBy) return `Self-test unavailable: ${blockedBy}`;
  if (elapsedMs === undefined) return `${total} checks, not run yet.`;
  const stopped = results.length < total ? `, ${total - results.length} not run` : '';
  return `${passed} passed / ${failed} failed${stopped} in ${formatSeconds(elapsedMs)}`;
}

function summaryTone({ running, results, elapsedMs }: SelfTestState): string {
  if (running || elapsedMs === undefined) return '';
  return results.every((r) => r.pass) ? 'summary-pass' : 'summary-fail';
}
