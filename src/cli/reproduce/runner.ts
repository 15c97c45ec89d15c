// Runs the parts of the results suite, resumably. Every finished unit of work (a training run, one
// vocabulary size of the speed part, one seed of the synthetic sweep) is a JSON file under
// `<out>/records/<part>/`, written once it is complete and never recomputed; a training run in
// progress checkpoints to `<out>/checkpoints/<part>/<id>.ckpt` and continues from there when the
// suite is started again. So the suite can be stopped at any moment (Ctrl-C, a session ending)
// and lose at most one checkpoint interval of one run.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readNodeAsset } from '../../data/assetsNode';
import { numericRank, parseBottleneckConfig } from '../../experiments/bottleneck';
import type { Engine } from '../../tensor/engine';
import { runBottleneck } from '../../train/bottleneck';
import { runComparison } from '../../train/compare';
import { toJson, type ComparisonRecord, type RunRecord, type Stamp } from '../../train/record';
import { fixed } from '../../train/summary';
import { benchVocab } from '../bench/training';
import { currentCommit } from '../commit';
import { homeOf, speedRunId, syntheticRunId, syntheticSeeds, type Part, type PlannedRun, type Scale } from './suite';

/** A record file's stamp: the record's own, with the scale and the unit's wall time always set. */
export type SuiteStamp = Stamp & { scale: Scale; wallMs: number };

export interface SuiteContext {
  engine: Engine;
  adapter: string;
  out: string;
  scale: Scale;
  /** The command line, for the stamps. */
  command: string;
  log: (line: string) => void;
  /**
   * Polled before every step; once true (Ctrl-C, SIGTERM), the run in progress checkpoints at its
   * current step and stops, so the next session loses nothing.
   */
  interrupted?: () => boolean;
}

export const recordFile = (out: string, part: string, id: string) => join(out, 'records', part, `${id}.json`);
const checkpointFile = (out: string, part: string, id: string) => join(out, 'checkpoints', part, `${id}.ckpt`);

/** Written beside and renamed over, so an interruption never leaves half a file. */
async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.partial`, data);
  await rename(`${path}.partial`, path);
}

function stampOf(context: SuiteContext, wallMs: number): SuiteStamp {
  return {
    date: new Date().toISOString(),
    commit: currentCommit(),
    adapter: context.adapter,
    command: context.command,
    scale: context.scale,
    wallMs,
  };
}

/**
 * What a suite record keeps: every metric and evaluation figure, but the bulky parts — decoded
 * samples with their per-token neighbours, κ samples — only for the last evaluation, which is what
 * the document and the page show (a 2,000-step NLLvMF run is 5 MB in full, 10× more than this).
 */
function compactRun(run: RunRecord): RunRecord {
  const evals = run.evals.map((point, i) => {
    if (i === run.evals.length - 1) return point;
    const { samples: _samples, kappas: _kappas, ...figures } = point;
    return figures;
  });
  return { ...run, evals };
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

/**
 * One training run to its end (train.steps or early stopping), from its checkpoint if an earlier
 * session left one. Returns false when the run stopped short (interrupted, or the GPU was lost or
 * ran out of memory): its checkpoint stays for the next attempt and no record is written.
 */
async function trainPlanned(context: SuiteContext, part: Part, planned: PlannedRun): Promise<boolean> {
  const { out, log } = context;
  const home = homeOf(part, planned);
  const ckpt = checkpointFile(out, home, planned.id);
  const resume = existsSync(ckpt) ? new Uint8Array(await readFile(ckpt)) : undefined;
  log(`${home} / ${planned.id}: ${resume ? 'continuing from its checkpoint' : 'starting'}`);
  let stopping = false;
  const record = await runComparison({
    engine: context.engine,
    read: readNodeAsset,
    adapter: context.adapter,
    runs: [{ label: planned.head, config: planned.config, ...(resume ? { resume } : {}) }],
    evaluation: { decodeSentences: planned.config.data.validSentences, samples: 10 },
    // An interruption is acted on after the step in progress: checkpoint there, then stop.
    checkpointDue: (run) =>
      (stopping ||= context.interrupted?.() === true) ||
      (run.config.train.checkpointEvery > 0 && run.step % run.config.train.checkpointEvery === 0),
    gate: () => !stopping,
    onProgress: async (event) => {
      if (event.kind === 'checkpoint') await writeAtomically(ckpt, event.bytes);
      if (event.kind === 'eval') {
        const p = event.point;
        const bleu = p.bleu === undefined ? '' : `, BLEU ${fixed(p.bleu, 2)}`;
        const ppl = p.perplexity === undefined ? '' : `, ppl ${fixed(p.perplexity, 1)}`;
        log(
          `  @${p.step} (${minutes(p.wallMs)}): valid ${fixed(p.validLoss, 3)}, acc@1 ${fixed(100 * p.accuracy1, 1)}%${ppl}${bleu}`,
        );
      }
    },
  });
  const run = record.runs[0]!;
  if (run.status === 'stopped') {
    log(
      `  stopped at step ${run.metrics.at(-1)?.step ?? 0}${run.error ? `: ${run.error}` : ''}; run the suite again to continue from its checkpoint`,
    );
    return false;
  }
  if (run.status === 'failed')
    log(`  failed: ${run.error ?? 'no reason given'} (recorded as failed; it will not be re-run)`);
  const wallMs = run.metrics.at(-1)?.wallMs ?? 0;
  const file: ComparisonRecord = { ...record, runs: record.runs.map(compactRun), stamp: stampOf(context, wallMs) };
  await writeAtomically(recordFile(out, home, planned.id), toJson(file));
  await rm(ckpt, { force: true });
  log(
    `  done in ${minutes(wallMs)}${run.earlyStop ? `, stopped early at step ${run.earlyStop.step} (best ${run.earlyStop.bestStep})` : ''}`,
  );
  return true;
}

/** Runs what is left of one part; true when the whole part is recorded. */
/**
 * Runs what is left of `part`; with `only`, just those of its runs (ids as the records are named:
 * `softmax-seed1`, `v50000`, `seed3`).
 */
export async function runPart(context: SuiteContext, part: Part, only?: ReadonlySet<string>): Promise<boolean> {
  const { out, log } = context;
  const pending = <T>(items: T[], id: (item: T) => string, home = (_item: T) => part.name) =>
    items.filter((item) => (!only || only.has(id(item))) && !existsSync(recordFile(out, home(item), id(item))));
  if (part.kind === 'training') {
    let complete = true;
    const planned = pending(
      part.runs,
      (r) => r.id,
      (r) => homeOf(part, r),
    );
    for (const run of planned) {
      if (context.interrupted?.()) return false;
      complete = (await trainPlanned(context, part, run)) && complete;
    }
    return complete;
  }
  if (part.kind === 'speed') {
    for (const vocab of pending(part.vocabs, speedRunId)) {
      if (context.interrupted?.()) return false;
      log(`speed / V = ${vocab}: ${part.timedSteps} timed steps per head`);
      const started = performance.now();
      const row = await benchVocab(context.engine, context.adapter, vocab, part.timedSteps);
      const stamp = stampOf(context, performance.now() - started);
      log(
        `  softmax ${fixed(row.softmax.tokensPerSecond, 0)} tokens/s, NLLvMF ${fixed(row.vmf.tokensPerSecond, 0)} tokens/s: ${fixed(row.speedup, 2)}×`,
      );
      await writeAtomically(
        recordFile(out, part.name, speedRunId(vocab)),
        JSON.stringify({ format: 'continuum-speed', row, stamp }, null, 2),
      );
    }
    return true;
  }
  // A seed of the sweep has no checkpoint: an interruption ends the part after the seed in progress.
  for (const seed of pending(syntheticSeeds, syntheticRunId)) {
    if (context.interrupted?.()) return false;
    const config = parseBottleneckConfig({ ...part.settings, seed });
    log(
      `synthetic / seed ${seed}: ${config.heads.length} heads × ${config.dims.length} sizes, ${config.steps} steps each`,
    );
    const started = performance.now();
    const { task, rows } = await runBottleneck(context.engine, config);
    const rank = numericRank(task.logProbs, task.contexts, task.vocab);
    const stamp = stampOf(context, performance.now() - started);
    log(`  done in ${minutes(stamp.wallMs)}`);
    await writeAtomically(
      recordFile(out, part.name, syntheticRunId(seed)),
      JSON.stringify(
        { format: 'continuum-bottleneck', config, entropy: task.entropy, logProbRank: rank, rows, stamp },
        null,
        2,
      ),
    );
  }
  return true;
}
