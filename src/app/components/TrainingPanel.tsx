import type { EvaluationOptions } from '../../train/evaluate';
import type { RunRequest, RunWeights } from '../../train/protocol';
import type { TrainingState } from '../state/fold';
import { resumePlan } from '../state/resume';
import { useTrainingStore } from '../state/training';
import { exportWeights } from '../history/files';
import { HeldRuns } from './HeldRuns';
import { timeLeft } from '../format';

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
  interrupted: 'Interrupted',
  finished: 'Finished',
  stopped: 'Stopped',
  failed: 'Failed',
};

/** Status, controls and each run's latest loss; plots and tables live in their own panels. */
export function TrainingPanel({ runs, preset, evaluation }: Props) {
  const store = useTrainingStore();
  const {
    state,
    message,
    steps,
    totalSteps,
    records,
    weights,
    held,
    start,
    pause,
    resume,
    step,
    reset,
    resumeFromCheckpoints,
  } = store;
  const active = state === 'preparing' || state === 'running' || state === 'paused';
  const play = state === 'paused' ? resume : () => start(runs, preset, evaluation);
  const plan = resumePlan(store);
  const eta = timeLeft(records, totalSteps);
  return (
    <section className="card" aria-labelledby="training-heading">
      <div className="card-head">
        <h2 id="training-heading">Training</h2>
        <div className="controls" role="group" aria-label="Training controls">
          <button
            type="button"
            className="primary"
            onClick={play}
            disabled={(active && state !== 'paused') || held.length > 0 || runs.length === 0}
            aria-label={state === 'paused' ? 'Resume training' : 'Start training'}
            title={state === 'paused' ? 'Resume' : 'Start'}
          >
            {state === 'paused' ? 'Resume' : 'Start'}
          </button>
          {plan && (
            <button
              type="button"
              onClick={resumeFromCheckpoints}
              aria-label="Resume from checkpoint"
              title="Continues each run that was cut off from its last checkpoint, in a new worker on a new GPU device. The steps recorded after the checkpoint are trained again and replace the ones shown."
            >
              Resume from step {plan.fromStep}
            </button>
          )}
          <button
            type="button"
            onClick={pause}
            disabled={state !== 'running'}
            aria-label="Pause training"
            title="Pause"
          >
            Pause
          </button>
          <button
            type="button"
            onClick={step}
            disabled={state !== 'paused' || held.length > 0}
            aria-label="Train one step"
            title="One step"
          >
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
        {state === 'running' && eta && ` · ${eta}`}
      </p>
      {message && (
        <p
          className={state === 'failed' ? 'error-text' : 'hint'}
          role={
            state === 'failed' || state === 'stopped' || state === 'interrupted' || held.length > 0
              ? 'alert'
              : undefined
          }
        >
          {message}
        </p>
      )}
      {store.kernels && (
        <p className="hint" data-testid="training-kernels">
          Kernels on this GPU: {store.kernels.join('; ')}
        </p>
      )}
      <HeldRuns />
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
              {weights.length > 0 && <th scope="col">Weights</th>}
            </tr>
          </thead>
          <tbody>
            {records.map((record, i) => {
              const last = record.metrics.at(-1);
              return (
                <tr key={i} className={record.status === 'failed' ? 'failed' : undefined}>
                  <th scope="row">{record.label}</th>
                  <td>{held.some((run) => run.runIndex === i) ? 'held (diverged)' : record.status}</td>
                  <td className="num" data-testid={`training-loss-${i}`}>
                    {last ? `${last.loss.toFixed(3)} @${last.step}` : '—'}
                  </td>
                  {weights.length > 0 && <WeightsCell label={record.label} weights={weights[i]} />}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Downloads a finished run's weights as safetensors (README, "Weights out"); empty for the other runs. */
function WeightsCell({ label, weights }: { label: string; weights: RunWeights | undefined }) {
  if (!weights) return <td />;
  if ('error' in weights) return <td className="error-text">{weights.error}</td>;
  return (
    <td>
      <button
        type="button"
        onClick={() => exportWeights(label, weights.bytes)}
        aria-label={`Export weights of ${label}`}
        title="Downloads every parameter, the target table, the vocabularies and the configuration as a safetensors file"
      >
        Export weights
      </button>
    </td>
  );
}
