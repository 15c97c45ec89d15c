// `continuum train | compare | eval`: the comparison runner headless through Dawn, with a progress
// bar on stderr, a summary table on stdout, and the run record as JSON plus CSV files.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import { readNodeAsset } from '../data/assetsNode';
import { applyOverrides, parseAssignment } from '../experiments/overrides';
import { presetBase, presetNamed, resolvePreset, runsOf } from '../experiments/presets';
import { prepareTask } from '../experiments/task';
import { checkpointRecord, restoreCheckpoint } from '../train/checkpoint';
import { runComparison, type ProgressEvent, type RunSpec } from '../train/compare';
import { evaluate } from '../train/evaluate';
import { evalsCsv, metricsCsv, toJson, type ComparisonRecord, type RunRecord } from '../train/record';
import { baselineLines, fixed, summaryColumns, summaryRow } from '../train/summary';
import { TrainingRun } from '../train/run';
import { bottleneckCommand } from './bottleneck';
import { kernelLines, openEngine } from './engine';
import { adapterLine } from './format';

export interface TrainCommandOptions {
  preset: string;
  set?: string[];
  out?: string;
  /** Only this variant of the preset (train); all variants when undefined (compare). */
  variant?: number;
  resume?: string;
  checkpointDir?: string;
  decode?: number;
  quiet?: boolean;
  /** Time every kernel with timestamp queries to split each step into forward/backward/optimizer (slower). */
  profile?: boolean;
}

function overridesOf(assignments: string[] = []): Record<string, unknown> {
  return Object.fromEntries(
    assignments.map((a) => {
      const { path, value } = parseAssignment(a);
      return [path, value];
    }),
  );
}

function summaryTable(record: ComparisonRecord): string {
  const table = new Table({ head: [...summaryColumns] });
  for (const run of record.runs) table.push(summaryRow(run));
  return table.toString();
}

/** Writes the record as JSON and, beside it, `.metrics.csv` and `.evals.csv`. */
async function writeRecord(
  path: string,
  record: ComparisonRecord | RunRecord,
  comparison: ComparisonRecord,
): Promise<string[]> {
  await mkdir(dirname(path), { recursive: true });
  const stem = path.replace(/\.json$/i, '');
  const files = [path, `${stem}.metrics.csv`, `${stem}.evals.csv`];
  await Promise.all([
    writeFile(files[0]!, toJson(record)),
    writeFile(files[1]!, metricsCsv(comparison)),
    writeFile(files[2]!, evalsCsv(comparison)),
  ]);
  return files;
}

/** One evaluation as a line of its own: "eval head: softmax @200: valid 3.214, acc@1 41.2%, …". */
function evalLine(event: Extract<ProgressEvent, { kind: 'eval' }>): string {
  const p = event.point;
  const perplexity = p.perplexity === undefined ? '' : `, ppl ${fixed(p.perplexity, 1)}`;
  const brier = p.brier === undefined ? '' : `, Brier-1 ${fixed(p.brier[0], 3)}, BrierLM ${fixed(p.brierLm, 2)}`;
  const unknown = p.unknownShare === undefined ? '' : `, ${fixed(100 * p.unknownShare, 1)}% emitted <unk>`;
  const bleu =
    p.bleu === undefined
      ? ''
      : `, BLEU ${fixed(p.bleu, 2)} (dedup ${fixed(p.bleuNoDuplicates, 2)}, <unk> kept ${fixed(p.bleuUnkKept, 2)}${unknown})`;
  return `eval ${event.run.record.label} @${p.step}: valid ${fixed(p.validLoss, 3)}, acc@1 ${fixed(100 * p.accuracy1, 1)}%, acc@5 ${fixed(100 * p.accuracy5, 1)}%${perplexity}${brier}${bleu}`;
}

/**
 * The progress bar on stderr, with each evaluation printed as a line above it that stays on screen
 * (inside the bar it would be overwritten by the next step). --quiet drops the bar, not the lines.
 */
function progressReporter(quiet: boolean) {
  if (quiet) {
    return {
      onProgress: (event: ProgressEvent) => event.kind === 'eval' && console.error(evalLine(event)),
      stop: () => undefined,
    };
  }
  const bars = new cliProgress.MultiBar(
    {
      format: '{bar} {value}/{total} steps | {status}',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  const onProgress = (event: ProgressEvent) => {
    if (event.kind === 'prepared') {
      bar = bars.create(event.steps, 0, { status: 'compiling shaders and warming up' });
    } else if (event.kind === 'step') {
      const status = event.runs
        .map(
          (run) =>
            `${run.record.label}: ${fixed(run.record.metrics.at(-1)?.loss, 3)}${run.record.status === 'failed' ? ' (failed)' : ''}`,
        )
        .join(' · ');
      bar?.update(event.step, { status });
    } else if (event.kind === 'eval') {
      bars.log(`${evalLine(event)}\n`);
    }
  };
  // MultiBar writes logged lines at its next redraw, which stop() does not do: redraw first.
  return {
    onProgress,
    stop: () => {
      if (!bar) return;
      bars.update();
      bars.stop();
    },
  };
}

/**
 * Samples kept per evaluation (each token with its top-5 goes into the record) and printed at the
 * end: `--decode N` of them, up to 20 — beyond that the record grows with every evaluation.
 */
const printedSamples = (decode: number | undefined) => Math.min(decode ?? 5, 20);

/** The decoded validation sentences of each run's last evaluation, for reading at the end. */
function samplesText(record: ComparisonRecord): string {
  return record.runs
    .flatMap((run) => {
      const last = run.evals.at(-1);
      if (!last?.samples?.length) return [];
      const lines = last.samples.flatMap((sample, i) => [
        `  ${i + 1}. source:     ${sample.source}`,
        `     reference:  ${sample.reference}`,
        `     hypothesis: ${sample.hypothesis}`,
      ]);
      return [
        `Decoded validation sentences, ${run.label}, step ${last.step} (<unk> replaced from the source):`,
        ...lines,
      ];
    })
    .join('\n');
}

export async function trainCommand(options: TrainCommandOptions): Promise<number> {
  // Not an experiment preset (no dataset, no backbone): the synthetic bottleneck sweep has its own
  // settings, so `train --preset bottleneck-synthetic` hands --set/--out to `continuum bottleneck`.
  if (options.preset === 'bottleneck-synthetic')
    return bottleneckCommand({
      ...(options.set ? { set: options.set } : {}),
      ...(options.out ? { out: options.out } : {}),
      ...(options.quiet ? { quiet: true } : {}),
    });
  const { base, chosen } = chooseRuns(options);
  const { engine, kernels } = await openEngine({ timing: options.profile ?? false });
  if (options.profile && !engine.gpu.hasTimestamps)
    console.error('This adapter has no timestamp queries: --profile reports total step times only.');
  const adapter = adapterLine(engine.gpu.adapter);
  if (!options.quiet) console.error(`${adapter}\n${kernelLines(kernels)}`);
  const resume = options.resume ? new Uint8Array(await readFile(options.resume)) : undefined;
  const specs: RunSpec[] = chosen.map((run) => ({ ...run, ...(resume ? { resume } : {}) }));
  const progress = progressReporter(options.quiet ?? false);
  const checkpoints: string[] = [];
  const record = await runComparison({
    engine,
    read: readNodeAsset,
    adapter,
    runs: specs,
    preset: options.preset,
    evaluation: {
      decodeSentences: options.decode ?? Math.min(base.data.validSentences, 100),
      samples: printedSamples(options.decode),
    },
    onProgress: async (event) => {
      progress.onProgress(event);
      if (event.kind === 'checkpoint' && options.checkpointDir) {
        const file = join(options.checkpointDir, `run${event.index}-step${event.run.step}.ckpt`);
        await mkdir(options.checkpointDir, { recursive: true });
        await writeFile(file, event.bytes);
        checkpoints.push(file);
      }
    },
  });
  progress.stop();
  console.log(summaryTable(record));
  for (const line of baselineLines(record.runs)) console.log(line);
  const samples = samplesText(record);
  if (samples) console.log(samples);
  for (const run of record.runs) {
    const { forward, backward, optimizer } = run.speed?.msPerStep ?? {};
    if (forward !== undefined)
      console.log(
        `${run.label}: GPU ms/step forward ${fixed(forward, 1)}, backward ${fixed(backward, 1)}, optimizer ${fixed(optimizer, 1)}`,
      );
  }
  for (const run of record.runs) {
    const stop = run.earlyStop;
    if (stop)
      console.log(
        `${run.label}: stopped early at step ${stop.step}: no validation ${run.config.train.stopOn} improvement for ${stop.patience} evaluations since step ${stop.bestStep}`,
      );
  }
  for (const run of record.runs) if (run.error) console.error(`${run.label}: ${run.error}`);
  if (options.out) {
    const single = options.variant !== undefined && record.runs.length === 1 ? record.runs[0]! : record;
    console.error(`Wrote ${(await writeRecord(options.out, single, record)).join(', ')}`);
  }
  if (checkpoints.length) console.error(`Checkpoints: ${checkpoints.join(', ')}`);
  return record.runs.some((r) => r.status === 'failed') ? 1 : 0;
}

/**
 * Every run of the preset, or only `--variant i`. A single variant is resolved on its own, so an
 * override that only it accepts (BPE targets for a softmax run) does not trip over the others.
 */
function chooseRuns(options: TrainCommandOptions) {
  const overrides = overridesOf(options.set);
  if (options.variant === undefined) {
    const { base, runs } = resolvePreset(options.preset, overrides);
    return { base, chosen: runs };
  }
  const preset = presetNamed(options.preset);
  const variant = preset.variants[options.variant];
  if (!variant)
    throw new Error(
      `--variant ${options.variant} does not exist: this preset has variants 0–${preset.variants.length - 1}`,
    );
  const base = applyOverrides(presetBase(preset), overrides);
  // Labelled as in the whole comparison ("head: softmax") when the other variants accept the overrides.
  let chosen: ReturnType<typeof runsOf>;
  try {
    chosen = [runsOf(base, preset.variants)[options.variant]!];
  } catch {
    chosen = runsOf(base, [variant]);
  }
  return { base, chosen };
}

/** Evaluates a checkpoint on the validation set of the task it was trained on. */
export async function evalCommand(options: { checkpoint: string; out?: string; decode?: number }): Promise<number> {
  const bytes = new Uint8Array(await readFile(options.checkpoint));
  const saved = checkpointRecord(bytes);
  const { engine, kernels } = await openEngine();
  const adapter = adapterLine(engine.gpu.adapter);
  console.error(`${adapter}\n${kernelLines(kernels)}`);
  const task = await prepareTask(readNodeAsset, saved.config, { engine });
  const run = new TrainingRun(engine, task, saved.config, { label: saved.label, adapter });
  restoreCheckpoint(run, bytes);
  await evaluate(run, {
    batchSentences: 32,
    decodeSentences: options.decode ?? 100,
    samples: printedSamples(options.decode),
  });
  run.record.status = 'finished';
  const record: ComparisonRecord = { format: 'continuum-comparison', formatVersion: 1, runs: [run.record] };
  console.log(summaryTable(record));
  const samples = samplesText(record);
  if (samples) console.log(samples);
  if (options.out) console.error(`Wrote ${(await writeRecord(options.out, run.record, record)).join(', ')}`);
  run.release();
  return 0;
}
