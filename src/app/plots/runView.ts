// What every plot and view receives: a run's record and how the page shows it.
import { scoresVocabulary } from '../../heads';
import type { EvalPoint, RunRecord } from '../../train/record';

export interface RunView {
  record: RunRecord;
  color: string;
  /** Hidden runs stay in line plots' legends ("legendonly") so one click there brings them back. */
  visible: boolean;
}

/** Softmax-type heads (softmax, PLIF, MoS) score a discrete vocabulary; the others predict an embedding. */
export function isContinuous(record: RunRecord): boolean {
  return !scoresVocabulary(record.config.head);
}

/** The newest evaluation that has the field (samples or κ), or undefined before the first one. */
export function latestEval<K extends 'samples' | 'kappas'>(
  record: RunRecord,
  field: K,
): (EvalPoint & Required<Pick<EvalPoint, K>>) | undefined {
  for (let i = record.evals.length - 1; i >= 0; i--) {
    const point = record.evals[i]!;
    if (point[field] !== undefined) return point as EvalPoint & Required<Pick<EvalPoint, K>>;
  }
  return undefined;
}

/** Plotly draws a gap at null; a diverged run's NaN or ±Infinity loss must not stretch the axis. */
export function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

export function traceVisibility(run: RunView): true | 'legendonly' {
  return run.visible ? true : 'legendonly';
}

/** Why a plot is empty, or undefined when some run has something to draw. */
export function emptyMessage(
  runs: readonly RunView[],
  hasData: (run: RunView) => boolean,
  waiting: string,
): string | undefined {
  if (runs.length === 0) return 'No runs yet: start a comparison or open a run file.';
  return runs.some(hasData) ? undefined : waiting;
}
