import type { EvaluationOptions } from '../../train/evaluate';
import type { RunRequest } from '../../train/protocol';
import type { TrainingState } from '../state/fold';
import { useTrainingStore } from '../state/training';

interface Props {
  /** What "Start" trains. */
  runs: RunRequest[];
  preset?: string;
  evaluation?: Partial<EvaluationOptions>;
}

const stateText: Record<TrainingState, string> = {
  idle: 'Not started',
  preparing: 'Preparing data and compiling shaders…',
  running: 'Training',
  paused: 'Paused',
  finished: 'Finished',
  stopped: 'Stopped',
  failed: 'Failed',
};

/** Status, controls and each run's latest loss; plots and tables live in their own panels. */
export function TrainingPanel({ runs, preset, evaluation }: Props) {
  const { state, message, steps, totalSteps, records, start, pause, resume, step, reset } = useTrainingStore();
  const active = state === 'preparing' || state === 'running' || state === 'paused';
  const play = state === 'paused' ? resume : () => start(runs, preset, evaluation);
  return (
    <section className="card" aria-labelledby="training-heading">
      <div className="card-head">
        <h2 id="training-heading">Training</h2>
        <div className="controls" role="group" aria-label="Training controls">
          <button type="button" className="primary" onClick={play} disabled={(active && state !== 'paused') || runs.length === 0} aria-label={state === 'paused' ? 'Resume training' : 'Start training'} title={state === 'paused' ? 'Resume' : 'Start'}>
            {state === 'paused' ? 'Resume' : 'Start'}
          </button>
          <button type="button" onClick={pause} disabled={state !== 'running'} aria-label="Pause training" title="Pause">
            Pause
          </button>
          <button type="button" onClick={step} disabled={state !== 'paused'} aria-label="Train one step" title="One step">
            Step
          </button>
          <button type="button" onClick={reset} disabled={state === 'idle'} aria-label="Reset training" title="Reset">
            Reset
          </button>
        </div>
      </div>
      <p className="summary" role="status" data-testid="training-status">
        {stateText[state]}
        {state !== 'idle' && ` — step ${steps}${totalSteps > 0 ? ` / ${totalSteps}` : ''}`}
      </p>
      {message && (
        <p className={state === 'failed' ? 'error-text' : 'hint'} role={state === 'failed' || state === 'stopped' ? 'alert' : undefined}>
          {message}
        </p>
      )}
      {records.length > 0 && (
        <table className="results">
          <caption className="visually-hidden">Latest loss per run</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Loss
              </th>
            </tr>
          </thead>
          <tbody>
            {records.map((record, i) => {
              const last = record.metrics.at(-1);
              return (
                <tr key={i} className={record.status === 'failed' ? 'failed' : undefined}>
                  <th scope="row">{record.label}</th>
                  <td>{record.status}</td>
                  <td className="num" data-testid={`training-loss-${i}`}>
                    {last ? `${last.loss.toFixed(3)} @${last.step}` : '—'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
