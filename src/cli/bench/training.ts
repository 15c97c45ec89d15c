// `npm run bench -- training`: end-to-end training tokens/s (backbone + head + backward + Adam, one
// submit per step, through TrainingRun as `continuum train` does) for softmax against NLLvMF on the
// same transformer, at V ∈ {5k, 20k, 50k} (issue 5 item 9). Only the output layer differs.
// The backbone is deliberately small (1 + 1 layers, d = 256, ffn 512) so that a run fits in a few
// minutes on SwiftShader; a smaller backbone makes the head a larger share of the step, so the
// ratio here is an upper end of what a wider model would show at the same V.
// Environment: CONTINUUM_BENCH_STEPS (timed steps per head, default 3: the whole run then takes ~10 min on
// SwiftShader), CONTINUUM_BENCH_VOCABS (comma-separated, default 5000,20000,50000).
import Table from 'cli-table3';
import { buildBatch, seq2seqExamples, type Batch } from '../../data/batching';
import { specialTokens, Vocabulary } from '../../data/vocabulary';
import { defaultConfig, type ExperimentConfig } from '../../experiments/config';
import { mergeConfig } from '../../experiments/overrides';
import { randomUnitTable } from '../../experiments/synthetic';
import type { Task } from '../../experiments/task';
import type { HeadBytes, HeadSpec } from '../../heads';
import { mulberry32 } from '../../math/random';
import { StepClock, TrainingRun, warmupSteps } from '../../train/run';
import type { Engine } from '../../tensor/engine';
import { adapterLine } from '../format';
import type { BenchReport } from './report';

export interface TrainingBenchHead {
  head: string;
  tokensPerSecond: number;
  msPerStep: number;
  timedSteps: number;
  /** Averaged over the timed steps; the invariant is one submit per step. */
  dispatchesPerStep: number;
  submitsPerStep: number;
  /** Bytes the step's dispatches bind read-only and writable, and its products' FLOPs: adapter-independent. */
  bytesReadPerStep: number;
  bytesWrittenPerStep: number;
  flopsPerStep: number;
  headParams: number;
  headBytes: HeadBytes;
}

export interface TrainingBenchRow {
  vocab: number;
  tiedInput: boolean;
  tokensPerStep: number;
  softmax: TrainingBenchHead;
  vmf: TrainingBenchHead;
  /** vMF tokens/s ÷ softmax tokens/s. */
  speedup: number;
}

const defaultBatchSentences = 32;
/**
 * 19 words + <eos> = 20 decoder slots, 640 per batch: the 50k logits [640, 50k] stay within SwiftShader's 128 MiB
 * binding limit.
 */
const sentenceLength = 19;
const tableDimension = 300;

const heads: Record<'softmax' | 'vmf', HeadSpec> = {
  softmax: { kind: 'softmax' },
  vmf: { kind: 'vmf', regularizer: { kind: 'reg1+reg2', lambda1: 0.02, lambda2: 0.1 }, approximate: false },
};

/** Word ids in [first, first + words) with P(rank r) ∝ 1/r, as in natural text (rank 1 = `first`). */
export function zipfSampler(words: number, first: number, seed: number): () => number {
  const cdf = new Float64Array(words);
  let total = 0;
  for (let r = 0; r < words; r++) cdf[r] = total += 1 / (r + 1);
  const uniform = mulberry32(seed);
  return () => {
    const u = uniform() * total;
    let [low, high] = [0, words - 1];
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cdf[mid]! <= u) low = mid + 1;
      else high = mid;
    }
    return first + low;
  };
}

/** An in-memory translation task with V source and V target words, random Zipf sentences and a random unit table. */
function syntheticTask(vocab: number, seed: number, batchSentences: number): Task {
  const vocabulary = new Vocabulary([
    ...Object.values(specialTokens),
    ...Array.from({ length: vocab - 4 }, (_, i) => `w${i + 4}`),
  ]);
  const draw = zipfSampler(vocab - 4, 4, seed);
  const sentence = () => Int32Array.from({ length: sentenceLength }, draw);
  const train = seq2seqExamples(
    Array.from({ length: batchSentences * 2 }, () => ({ source: sentence(), target: sentence() })),
  );
  return {
    kind: 'translation',
    sourceVocabulary: vocabulary,
    decodeTarget: (ids) => vocabulary.decode(ids),
    targetVocabulary: vocabulary,
    train,
    valid: [],
    validText: [],
    targetTable: randomUnitTable(vocab, tableDimension, seed),
    tableDimension,
    pretrainedShare: 0,
  };
}

/** What differs between rows of the benchmark besides V (both heads of a row share it). */
export interface BenchSetting {
  /** Sentences of 20 target slots per batch; the default 32 (640 tokens) is the most the 50k logits allow here. */
  batchSentences?: number;
  /**
   * The decoder reads the frozen target table through a trainable m→d map (`model.tiedInput`, the
   * paper's -tie_emb) instead of training its own V×d input embedding.
   */
  tiedInput?: boolean;
}

function benchConfig(
  vocab: number,
  head: HeadSpec,
  steps: number,
  batchSentences: number,
  tiedInput: boolean,
): ExperimentConfig {
  return mergeConfig(defaultConfig, {
    dataset: 'synthetic-copy',
    data: { sourceVocab: vocab, targetVocab: vocab, maxLength: sentenceLength },
    embeddings: { source: 'in-app', dimension: tableDimension },
    model: { encoderLayers: 1, decoderLayers: 1, dModel: 256, heads: 4, ffn: 512, dropout: 0, tiedInput },
    head,
    // Losses are read back only at the first and last step, as they would be with logEvery = steps.
    train: { steps, batchSentences, evalEvery: 0, logEvery: steps },
  });
}

/** Softmax and NLLvMF trained interleaved for `timed` steps after the warm-up. */
export async function benchVocab(
  engine: Engine,
  adapter: string,
  vocab: number,
  timed: number,
  { batchSentences = defaultBatchSentences, tiedInput = false }: BenchSetting = {},
): Promise<TrainingBenchRow> {
  const task = syntheticTask(vocab, vocab, batchSentences);
  const steps = warmupSteps + timed;
  // Two distinct batches, alternated, so every step is a full, unpadded batch the same for both heads.
  const batches: Batch[] = [0, 1].map((b) =>
    buildBatch(
      task.train,
      Array.from({ length: batchSentences }, (_, i) => b * batchSentences + i),
    ),
  );
  const runs = (['softmax', 'vmf'] as const).map(
    (name) =>
      new TrainingRun(engine, task, benchConfig(vocab, heads[name], steps, batchSentences, tiedInput), {
        label: name,
        adapter,
        tag: name,
      }),
  );
  const counts = runs.map(() => ({ dispatches: 0, submits: 0, read: 0, written: 0, flops: 0 }));
  const clock = new StepClock();
  try {
    // Interleaved, as a comparison trains: each head sees the same device state and the same batches.
    for (let step = 0; step < steps; step++) {
      for (const [i, run] of runs.entries()) {
        const { dispatches, submits } = engine.recorder;
        const traffic = { ...engine.recorder.traffic };
        await run.trainStep(batches[step % 2]!, clock);
        // One step in flight at a time, so the figures hold on an adapter without timestamp
        // queries too, where two submits finishing within one poll of the queue cannot be told
        // apart (seen as ~0 ms softmax steps before steps were timed by GPU timestamps).
        await run.settle();
        if (step < warmupSteps) continue;
        counts[i]!.dispatches += engine.recorder.dispatches - dispatches;
        counts[i]!.submits += engine.recorder.submits - submits;
        for (const key of ['read', 'written', 'flops'] as const)
          counts[i]![key] += engine.recorder.traffic[key] - traffic[key];
      }
      process.stderr.write(`\r  V=${vocab}: step ${step + 1}/${steps}`);
    }
    for (const run of runs) await run.settle();
    process.stderr.write('\n');
    const [softmax, vmf] = runs.map((run, i): TrainingBenchHead => {
      if (run.record.status === 'failed') throw new Error(`V=${vocab} ${run.record.label}: ${run.record.error}`);
      const { steps: measured, ms } = run.timedSteps;
      return {
        head: run.model.head.label,
        tokensPerSecond: run.tokensPerSecond!,
        msPerStep: ms / measured,
        timedSteps: measured,
        dispatchesPerStep: counts[i]!.dispatches / timed,
        submitsPerStep: counts[i]!.submits / timed,
        bytesReadPerStep: counts[i]!.read / timed,
        bytesWrittenPerStep: counts[i]!.written / timed,
        flopsPerStep: counts[i]!.flops / timed,
        headParams: run.model.head.paramCount,
        headBytes: run.model.head.bytes(),
      };
    }) as [TrainingBenchHead, TrainingBenchHead];
    return {
      vocab,
      tiedInput,
      tokensPerStep: batchSentences * (sentenceLength + 1),
      softmax,
      vmf,
      speedup: vmf.tokensPerSecond / softmax.tokensPerSecond,
    };
  } finally {
    for (const run of runs) run.release();
    engine.pool.trim();
  }
}

/** Integers of at least `min`, comma-separated, from an environment variable, or `fallback` if unset. */
export function envIntegers(name: string, fallback: number[], min: number): number[] {
  const text = process.env[name];
  if (text === undefined) return fallback;
  const values = text.split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v < min))
    throw new Error(`${name} must be integers ≥ ${min} separated by commas, got '${text}'`);
  return values;
}

const mib = (bytes: HeadBytes) => ((bytes.parameters + bytes.optimizerState + bytes.frozen) / 2 ** 20).toFixed(1);

export async function trainingBenchReport(engine: Engine): Promise<BenchReport> {
  const timed = envIntegers('CONTINUUM_BENCH_STEPS', [3], 1)[0]!;
  const vocabs = envIntegers('CONTINUUM_BENCH_VOCABS', [5000, 20000, 50000], 16);
  const adapter = adapterLine(engine.gpu.adapter);
  const rows: TrainingBenchRow[] = [];
  for (const vocab of vocabs) rows.push(await benchVocab(engine, adapter, vocab, timed));
  const table = new Table({
    head: [
      'V',
      'head',
      'tokens/s',
      'ms/step',
      '× softmax',
      'dispatches/step',
      'submits/step',
      'MiB bound read/written per step',
      'GFLOP/step (products)',
      'head params',
      'head MiB (params+Adam+table)',
    ],
    style: { compact: true },
  });
  for (const r of rows) {
    for (const h of [r.softmax, r.vmf]) {
      table.push([
        r.vocab,
        h.head,
        h.tokensPerSecond.toFixed(0),
        h.msPerStep.toFixed(0),
        (h.tokensPerSecond / r.softmax.tokensPerSecond).toFixed(2),
        h.dispatchesPerStep.toFixed(0),
        h.submitsPerStep.toFixed(2),
        `${(h.bytesReadPerStep / 2 ** 20).toFixed(0)} / ${(h.bytesWrittenPerStep / 2 ** 20).toFixed(0)}`,
        (h.flopsPerStep / 1e9).toFixed(2),
        h.headParams.toLocaleString('en'),
        mib(h.headBytes),
      ]);
    }
  }
  const title = `End-to-end training, transformer 1+1 layers d=256 ffn=512, ${rows[0]?.tokensPerStep ?? 0} target tokens/step, m=${tableDimension}, ${timed} timed steps after ${warmupSteps} warm-up`;
  // Why a software GPU exaggerates the ratio: there every FLOP costs CPU time, so the V·d matmuls the
  // vMF head avoids dominate, whereas a real GPU runs them near peak and small kernels cost launches.
  const note =
    'Ratio = vMF tokens/s ÷ softmax tokens/s. On a software GPU it tracks the FLOPs the vMF head avoids; a real GPU runs the big softmax matmul near peak, so expect a smaller ratio there (the paper: up to 2.5×).';
  return {
    text: `${title}\n${table.toString()}\n${note}`,
    json: { timedSteps: timed, warmupSteps, tableDimension, rows },
  };
}
