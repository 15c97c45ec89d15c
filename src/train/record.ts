// The run record: what `continuum train/compare` writes and what the page exports and imports.
// One file holds one run or a comparison of several; a reader always gets a comparison back.
//
// A diverged run has a NaN or infinite loss, which JSON cannot hold: toJson writes those as the
// strings "NaN", "Infinity" and "-Infinity", and the schemas read them back as numbers.
import { z } from '../zod';
import { configSchema } from '../experiments/config';
import { formatIssues } from '../experiments/configIssues';
import { show } from '../ranges';

const nonFinite: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Any number, including NaN and ±Infinity written as strings by toJson. */
const measured = z.preprocess(
  (value) => (typeof value === 'string' && Object.hasOwn(nonFinite, value) ? nonFinite[value] : value),
  z.custom<number>((value) => typeof value === 'number', {
    error: (issue) => `must be a number (or "NaN", "Infinity", "-Infinity"), got ${show(issue.input)}`,
  }),
);
const count = z.number().int().nonnegative();
const duration = z.number().nonnegative();

export const metricPointSchema = z.object({
  step: count,
  wallMs: duration,
  tokens: count,
  loss: measured,
  learningRate: z.number(),
  gradNorm: measured.optional(),
  tokensPerSecond: measured.optional(),
});

/**
 * One output position of a decoded sample: its top-5 and, for continuous heads, κ and where μ = ê/κ falls on the
 * embedding map.
 */
const decodedTokenSchema = z.object({
  token: z.string(),
  neighbours: z.array(z.object({ token: z.string(), score: z.number() })),
  kappa: z.number().optional(),
  x: z.number().optional(),
  y: z.number().optional(),
});

const sampleSchema = z.object({
  source: z.string(),
  reference: z.string(),
  hypothesis: z.string(),
  tokens: z.array(decodedTokenSchema).optional(),
});

export const evalPointSchema = z.object({
  step: count,
  wallMs: duration,
  validLoss: measured,
  accuracy1: z.number().min(0).max(1),
  accuracy5: z.number().min(0).max(1),
  perplexity: measured.optional(),
  /** Language models: Brier-1 … Brier-4, each estimated from two samples per position (brierLm.ts). */
  brier: z.array(z.number().min(-1).max(1)).length(4).optional(),
  /** 100 × the geometric mean of Brier-1 … 4, by our reading of the CALM code (unverified); absent unless all are positive. */
  brierLm: z.number().optional(),
  /** BLEU with each emitted <unk> replaced by the source word it attended to most (the headline). */
  bleu: z.number().optional(),
  /** The same after removing consecutive duplicate tokens, as the reference code reports it. */
  bleuNoDuplicates: z.number().optional(),
  /** BLEU with every <unk> kept as emitted (13a reads it as three tokens, "< unk >"). */
  bleuUnkKept: z.number().optional(),
  /** The share of the decoded hypotheses' tokens that were emitted as <unk> (before replacement). */
  unknownShare: z.number().min(0).max(1).optional(),
  samples: z.array(sampleSchema).optional(),
  /** ‖ê‖ (κ) of up to 2,000 validation target tokens: continuous heads only. */
  kappas: z.array(z.number()).optional(),
});

export const runRecordSchema = z.object({
  format: z.literal('continuum-run'),
  formatVersion: z.literal(1),
  label: z.string(),
  // Structure and field ranges only: a record may name an uploaded dataset this machine lacks.
  config: configSchema,
  adapter: z.string(),
  /** The kernel choices the run's engine made for this adapter (tuning.ts), e.g. "matmul: register". */
  kernels: z.array(z.string()).optional(),
  startedAt: z.iso.datetime({ offset: true }),
  status: z.enum(['running', 'finished', 'stopped', 'failed']),
  error: z.string().optional(),
  /** The trivial baselines on this run's validation split (src/train/baselines.ts). */
  baselines: z
    .object({
      copyBleu: z.number().optional(),
      unigram: z
        .object({
          perplexity: z.number(),
          accuracy1: z.number(),
          accuracy5: z.number(),
          brier: z.array(z.number().min(-1).max(1)).length(4).optional(),
        })
        .optional(),
    })
    .optional(),
  /** Set when early stopping finished the run before train.steps: where, and its best evaluation's step. */
  earlyStop: z
    .object({
      step: z.number().int().nonnegative(),
      bestStep: z.number().int().nonnegative(),
      patience: z.number().int().positive(),
    })
    .optional(),
  metrics: z.array(metricPointSchema),
  evals: z.array(evalPointSchema),
  /** A 2-D PCA map of the most frequent target words' embeddings (continuous heads), for the page's embedding view. */
  embeddingMap: z.object({ words: z.array(z.string()), x: z.array(z.number()), y: z.array(z.number()) }).optional(),
  speed: z
    .object({
      tokensPerSecond: measured,
      compileMs: duration,
      warmupMs: duration,
      msPerStep: z.object({
        total: duration,
        forward: duration.optional(),
        backward: duration.optional(),
        optimizer: duration.optional(),
      }),
    })
    .optional(),
  memory: z
    .object({ parameters: count, optimizerState: count, activations: count, frozen: count, outputLayerParams: count })
    .optional(),
});

/**
 * Who produced a recorded comparison, where and when: the results suite's files and the page's shipped one carry it.
 */
export const stampSchema = z.object({
  date: z.iso.datetime({ offset: true }),
  /** The commit the code ran at ("+changes" when the working tree differed from it). */
  commit: z.string(),
  adapter: z.string(),
  /** The command line that produced it. */
  command: z.string(),
  /** The results suite's scale, e.g. "small". */
  scale: z.string().optional(),
  /** Wall time of the whole comparison, ms. */
  wallMs: duration.optional(),
  title: z.string().optional(),
});

export const comparisonRecordSchema = z.object({
  format: z.literal('continuum-comparison'),
  formatVersion: z.literal(1),
  preset: z.string().optional(),
  stamp: stampSchema.optional(),
  runs: z.array(runRecordSchema),
});

export type MetricPoint = z.output<typeof metricPointSchema>;
export type EvalPoint = z.output<typeof evalPointSchema>;
export type RunRecord = z.output<typeof runRecordSchema>;
export type ComparisonRecord = z.output<typeof comparisonRecordSchema>;
export type Stamp = z.output<typeof stampSchema>;

/** Reads a run file (one run or a comparison); never throws, and names the first problem and where it is. */
export function parseRunFile(text: string): { ok: true; value: ComparisonRecord } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Not a run file: the text is not valid JSON (${(error as Error).message})` };
  }
  const format = typeof json === 'object' && json !== null ? (json as { format?: unknown }).format : undefined;
  const schema =
    format === 'continuum-run'
      ? runRecordSchema
      : format === 'continuum-comparison'
        ? comparisonRecordSchema
        : undefined;
  if (!schema) {
    return {
      ok: false,
      error: `Not a run file: "format" must be "continuum-run" or "continuum-comparison", got ${show(format)}`,
    };
  }
  const result = schema.safeParse(json, { reportInput: true });
  if (!result.success) return { ok: false, error: `Invalid ${format} file: ${formatIssues(result.error)[0]}` };
  const value = result.data;
  return {
    ok: true,
    value:
      value.format === 'continuum-run' ? { format: 'continuum-comparison', formatVersion: 1, runs: [value] } : value,
  };
}

/** Pretty JSON that parseRunFile reads back, non-finite numbers included. */
export function toJson(record: RunRecord | ComparisonRecord): string {
  return JSON.stringify(
    record,
    (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value),
    2,
  );
}

/** RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes; CRLF rows. */
function csv(header: readonly string[], rows: readonly unknown[][]): string {
  const field = (value: unknown) => {
    const text = value === undefined || value === null ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${[header, ...rows].map((row) => row.map(field).join(',')).join('\r\n')}\r\n`;
}

const metricColumns = ['step', 'wallMs', 'tokens', 'loss', 'learningRate', 'gradNorm', 'tokensPerSecond'] as const;
const evalColumns = [
  'step',
  'wallMs',
  'validLoss',
  'accuracy1',
  'accuracy5',
  'perplexity',
  'bleu',
  'bleuNoDuplicates',
  'bleuUnkKept',
  'unknownShare',
] as const;

/** One row per metric point, the run's label in the first column; empty cells for missing values. */
export function metricsCsv(comparison: ComparisonRecord): string {
  return csv(
    ['run', ...metricColumns],
    comparison.runs.flatMap((run) => run.metrics.map((point) => [run.label, ...metricColumns.map((c) => point[c])])),
  );
}

/** Brier-1 … 4 get a column each. */
const brierColumns = ['brier1', 'brier2', 'brier3', 'brier4'] as const;

/** One row per evaluation (decoded samples stay in the JSON). */
export function evalsCsv(comparison: ComparisonRecord): string {
  return csv(
    ['run', ...evalColumns, ...brierColumns, 'brierLm'],
    comparison.runs.flatMap((run) =>
      run.evals.map((point) => [
        run.label,
        ...evalColumns.map((c) => point[c]),
        ...brierColumns.map((_, n) => point.brier?.[n]),
        point.brierLm,
      ]),
    ),
  );
}
