// Trains each output layer on the synthetic softmax-bottleneck task (src/experiments/bottleneck.ts)
// at each hidden size d. The "model" is only a free context vector per context, so every difference
// between heads comes from how expressive their log-probability matrix is, not from a backbone.
import { bottleneckTask, targetSampler, type BottleneckConfig, type BottleneckTask } from '../experiments/bottleneck';
import { createHead, headSpecLabel, optimizerGroups, type HeadSpec } from '../heads';
import { Adam } from '../nn/adam';
import { parameterSeed, uniformValues } from '../nn/init';
import type { Engine } from '../tensor/engine';
import { scale } from '../tensor/ops/elementwise';
import { embedding, uploadIndices, type IndexTensor } from '../tensor/ops/embedding';
import { sumAll } from '../tensor/ops/reduce';
import type { Tensor } from '../tensor/tensor';

export interface BottleneckRow {
  head: string;
  d: number;
  /** Exact cross-entropy E_{c, y~p*}[−log q(y|c)], nats (summed over every y, no sampling noise). */
  ce: number;
  /** KL(p* ‖ q) averaged over contexts = ce − H(p*). */
  kl: number;
  /** Share of contexts whose top-1 decode is argmax p*. */
  modeAccuracy: number;
  /** Training loss of the last step (a sampled cross-entropy). */
  trainLoss: number;
  msPerStep: number;
  /** Output-layer parameters (the N·d context vectors are the same for every head). */
  paramCount: number;
}

export interface BottleneckProgress {
  head: string;
  d: number;
  done: number;
  total: number;
}

/** Ids 0..count-1, each repeated `times`: row r reads context ⌊r / times⌋. */
function repeatedIds(engine: Engine, count: number, times: number, label: string): IndexTensor {
  const ids = Int32Array.from({ length: count * times }, (_, r) => Math.floor(r / times));
  return uploadIndices(engine, ids, [ids.length], count, label);
}

/** Reads a tensor computed outside any step, then frees it. */
async function readOnce(t: Tensor) {
  try {
    return await t.read();
  } finally {
    t.release();
  }
}

function releaseIndex(index: IndexTensor): void {
  for (const t of [index.ids, index.uniqueRows, index.offsets, index.positions]) t.release();
}

/**
 * Exact CE over every (context, token) pair: the head's per-row loss for all V tokens of a chunk of
 * contexts, weighted by p* on the CPU. Chunks keep MoS's K·rows·V intermediates to tens of MB.
 */
async function exactCrossEntropy(
  engine: Engine,
  task: BottleneckTask,
  contextTable: Tensor,
  lossOf: (h: Tensor, y: Tensor) => Tensor,
): Promise<number> {
  const { contexts, vocab, probs } = task;
  const perChunk = Math.max(1, Math.floor(4096 / vocab));
  let total = 0;
  for (let first = 0; first < contexts; first += perChunk) {
    const n = Math.min(perChunk, contexts - first);
    const ids = Int32Array.from({ length: n * vocab }, (_, r) => first + Math.floor(r / vocab));
    const targets = Int32Array.from({ length: n * vocab }, (_, r) => r % vocab);
    const losses = await readOnce(
      engine.withoutGradients(() =>
        engine.tidy(() => {
          const index = uploadIndices(engine, ids, [ids.length], contexts, 'bottleneck.eval_ids');
          return lossOf(
            embedding(contextTable, index),
            engine.tensor(targets, [targets.length], 'i32', 'bottleneck.eval_targets'),
          );
        }),
      ),
    );
    for (let r = 0; r < losses.length; r++) total += probs[first * vocab + r]! * losses[r]!;
  }
  return total / contexts;
}

export interface BottleneckCallbacks {
  onProgress?: (p: BottleneckProgress) => void;
  /** Each (head, d) result as soon as it is measured, so a page can plot the sweep as it fills in. */
  onRow?: (row: BottleneckRow) => void;
  /** Asked before every step: true ends the sweep early with the rows of the fits already finished. */
  shouldStop?: () => boolean;
}

/** One head at one d; undefined when `shouldStop` ended the fit before its last step. */
async function trainOne(
  engine: Engine,
  config: BottleneckConfig,
  task: BottleneckTask,
  spec: HeadSpec,
  d: number,
  { onProgress, shouldStop }: BottleneckCallbacks,
): Promise<BottleneckRow | undefined> {
  const { contexts: N, vocab: V, steps, samplesPerContext: S, seed } = config;
  const label = headSpecLabel(spec);
  const contextTable = engine.parameter(
    uniformValues(N * d, 0.1, parameterSeed(seed, `bottleneck.contexts.d${d}`)),
    [N, d],
    'bottleneck.contexts',
  );
  const head = createHead(engine, spec, { hidden: d, vocab: V, initSeed: seed });
  const adam = new Adam(engine, optimizerGroups(head, [contextTable]), { lr: config.learningRate });
  const trainIds = repeatedIds(engine, N, S, 'bottleneck.train_ids');
  // Every run sees the same target draws, so heads and sizes differ only in the model.
  const nextTargets = targetSampler(task, S, seed + 1);
  try {
    let trainLoss = NaN;
    const started = performance.now();
    for (let step = 1; step <= steps; step++) {
      if (shouldStop?.()) return undefined;
      const targets = nextTargets();
      const loss = engine.step(() => {
        const l = scale(
          sumAll(
            head.loss(embedding(contextTable, trainIds), engine.tensor(targets, [N * S], 'i32', 'bottleneck.targets')),
          ),
          1 / (N * S),
        );
        engine.backward(l);
        adam.step();
        return engine.readLater(l);
      });
      // Waiting for each step keeps ms/step honest and the pending work bounded.
      trainLoss = (await loss)[0]!;
      if (step % 25 === 0 || step === steps) onProgress?.({ head: label, d, done: step, total: steps });
    }
    const msPerStep = (performance.now() - started) / steps;
    const ce = await exactCrossEntropy(engine, task, contextTable, (h, y) => head.loss(h, y));
    const top = await readOnce(engine.tidy(() => head.decode(contextTable, 1).ids));
    const modeAccuracy = Array.from(top).filter((id, c) => id === task.argmax[c]).length / N;
    const [error] = engine.gpu.takeErrors();
    if (error) throw error;
    return {
      head: label,
      d,
      ce,
      kl: ce - task.entropy,
      modeAccuracy,
      trainLoss,
      msPerStep,
      paramCount: head.paramCount,
    };
  } finally {
    releaseIndex(trainIds);
    adam.release();
    head.release();
    contextTable.release();
  }
}

/** Every head at every d, heads innermost so a table row (one d) fills in together. */
export async function runBottleneck(
  engine: Engine,
  config: BottleneckConfig,
  callbacks: BottleneckCallbacks = {},
): Promise<{ task: BottleneckTask; rows: BottleneckRow[]; complete: boolean }> {
  const task = bottleneckTask(config);
  const rows: BottleneckRow[] = [];
  for (const d of config.dims) {
    for (const spec of config.heads) {
      const row = await trainOne(engine, config, task, spec, d, callbacks);
      if (!row) return { task, rows, complete: false };
      rows.push(row);
      callbacks.onRow?.(row);
    }
  }
  return { task, rows, complete: true };
}
