// Joins the runs' decoded samples into rows of (source, reference, one hypothesis per run), and
// resolves a chosen output token. Pure, so tests need no DOM.
import type { EvalPoint } from '../../train/record';
import { latestEval, type RunView } from '../plots/runView';

export type Sample = NonNullable<EvalPoint['samples']>[number];
export type DecodedToken = NonNullable<Sample['tokens']>[number];

/** A token of a run's latest decoded samples, by position: it follows the run as new evaluations arrive. */
export interface TokenRef {
  /** Index into the runs array. */
  run: number;
  sample: number;
  token: number;
}

export interface Hypothesis {
  text: string;
  tokens: DecodedToken[] | undefined;
  sample: number;
  step: number;
}

export interface SampleRow {
  key: string;
  source: string;
  reference: string;
  /** One entry per run (same indices as the runs array); undefined where the run has no such sample. */
  hypotheses: (Hypothesis | undefined)[];
}

/**
 * Rows in first-seen order, matched on (source, reference) rather than position, so runs that
 * decoded different or differently ordered sentences still line up.
 */
export function sampleRows(runs: readonly RunView[]): SampleRow[] {
  const rows = new Map<string, SampleRow>();
  runs.forEach((run, runIndex) => {
    const point = latestEval(run.record, 'samples');
    point?.samples.forEach((sample, sampleIndex) => {
      const key = JSON.stringify([sample.source, sample.reference]);
      let row = rows.get(key);
      if (!row) {
        row = { key, source: sample.source, reference: sample.reference, hypotheses: runs.map(() => undefined) };
        rows.set(key, row);
      }
      row.hypotheses[runIndex] ??= {
        text: sample.hypothesis,
        tokens: sample.tokens,
        sample: sampleIndex,
        step: point.step,
      };
    });
  });
  return [...rows.values()];
}

export function tokenAt(runs: readonly RunView[], ref: TokenRef | null | undefined): DecodedToken | undefined {
  if (!ref) return undefined;
  const record = runs[ref.run]?.record;
  return record ? latestEval(record, 'samples')?.samples[ref.sample]?.tokens?.[ref.token] : undefined;
}

export function sameToken(a: TokenRef | null | undefined, b: TokenRef | null | undefined): boolean {
  return !!a && !!b && a.run === b.run && a.sample === b.sample && a.token === b.token;
}
