// One row of figures per run, as both the CLI's summary table and the page's results table show
// them: the latest training loss and evaluation (BrierLM for language models), throughput and
// memory. Cells are display strings ('–' where a figure does not apply or is not measured yet), so
// the two views cannot disagree.
import { brierLm } from '../math/brier';
import type { Baselines } from './baselines';
import type { RunRecord } from './record';

/** A number to `digits` decimals, or '–' when absent or not finite. */
export function fixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

export const summaryColumns = [
  'run',
  'status',
  'steps',
  'train loss',
  'valid loss',
  'acc@1',
  'acc@5',
  'ppl',
  'Brier-1…4',
  'BrierLM',
  'BLEU',
  'BLEU dedup',
  'BLEU <unk> kept',
  '<unk> emitted %',
  'tok/s',
  'ms/step',
  'out-layer params',
  'param+opt MB',
] as const;

/** Brier-1 … 4 as "0.214 / 0.052 / 0.011 / 0.003", or '–'. */
function brierCell(brier: readonly number[] | undefined): string {
  return brier ? brier.map((b) => fixed(b, 3)).join(' / ') : '–';
}

/**
 * The cells of `summaryColumns` for one run. BLEU has `<unk>` replaced from the source; "dedup" also drops repeated
 * tokens.
 */
export function summaryRow(run: RunRecord): string[] {
  const last = run.metrics.at(-1);
  const evalPoint = run.evals.at(-1);
  const mb = run.memory ? (run.memory.parameters + run.memory.optimizerState) / 2 ** 20 : undefined;
  return [
    run.label,
    run.status,
    String(last?.step ?? 0),
    fixed(last?.loss, 3),
    fixed(evalPoint?.validLoss, 3),
    fixed(evalPoint && 100 * evalPoint.accuracy1, 1),
    fixed(evalPoint && 100 * evalPoint.accuracy5, 1),
    fixed(evalPoint?.perplexity, 1),
    brierCell(evalPoint?.brier),
    fixed(evalPoint?.brierLm, 2),
    fixed(evalPoint?.bleu, 2),
    fixed(evalPoint?.bleuNoDuplicates, 2),
    fixed(evalPoint?.bleuUnkKept, 2),
    fixed(evalPoint?.unknownShare === undefined ? undefined : 100 * evalPoint.unknownShare, 1),
    fixed(run.speed?.tokensPerSecond, 0),
    fixed(run.speed?.msPerStep.total, 1),
    run.memory ? run.memory.outputLayerParams.toLocaleString('en-US') : '–',
    fixed(mb, 1),
  ];
}

/**
 * "copying the source: BLEU 53.90" / "unigram: perplexity 210.6, acc@1 9.6 %, acc@5 32.6 %"; empty when there is none.
 */
export function baselineText(baselines: Baselines | undefined): string {
  const parts: string[] = [];
  if (baselines?.copyBleu !== undefined) parts.push(`copying the source: BLEU ${fixed(baselines.copyBleu, 2)}`);
  const unigram = baselines?.unigram;
  if (unigram)
    parts.push(
      `unigram: perplexity ${fixed(unigram.perplexity, 1)}, acc@1 ${fixed(100 * unigram.accuracy1, 1)} %, acc@5 ${fixed(100 * unigram.accuracy5, 1)} %${unigram.brier ? `, Brier-1…4 ${brierCell(unigram.brier)}, BrierLM ${fixed(brierLm(unigram.brier), 2)}` : ''}`,
    );
  return parts.join('; ');
}

/** One line per distinct validation split among the runs: the baselines beside their results. */
export function baselineLines(runs: readonly RunRecord[]): string[] {
  const lines = runs.map((run) => baselineText(run.baselines)).filter((line) => line !== '');
  return [...new Set(lines)].map((line) => `Baselines on the validation split: ${line}`);
}
