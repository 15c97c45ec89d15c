// Validation: teacher-forced loss and token accuracy @1/@5 (argmax of the logits for softmax heads,
// cosine nearest neighbour for continuous ones), perplexity for softmax heads (from the cross-entropy
// alone where the loss adds to it, as ReWE's does), BrierLM for language models (brierLm.ts), and
// for translation greedy decoding of whole sentences scored with corpus BLEU (sacreBLEU defaults): with each <unk>
// replaced from the source by attention (the headline, with and without the reference code's removal
// of consecutive duplicates), and with <unk> kept as emitted beside it.
// Shape legend: B batch, T length, N = B·T, S source length.
import { buildBatch, evaluationBatches, ignoredTarget, type Batch } from '../data/batching';
import { detokenize } from '../data/tokenize';
import { specialIds } from '../data/vocabulary';
import { sequenceLimit } from '../experiments/model';
import { bleu } from '../math/bleu';
import { brierLm } from '../math/brier';
import type { Task } from '../experiments/task';
import { ContinuousHead } from '../heads/continuous';
import { principalComponents, project, type Projection } from '../math/pca';
import { unary } from '../tensor/ops/elementwise';
import { sumAll, sumRows } from '../tensor/ops/reduce';
import { brierOfRun } from './brierLm';
import { bleuWithAndWithoutDuplicates } from './hypothesisBleu';
import type { EvalPoint, RunRecord } from './record';
import { sequenceBatch, type TrainingRun } from './run';
import { isUnresolvedUnknown, numberedReplacements, unknownReplacements } from './unknownReplacement';

export interface EvaluationOptions {
  /** Sentences per evaluation batch. */
  batchSentences: number;
  /** Validation sentences decoded greedily for BLEU (0: no decoding). */
  decodeSentences: number;
  /** Decoded sentences kept as samples in the record. */
  samples: number;
  /**
   * Language models: validation positions BrierLM samples (0: none), 256 unless given. Each costs two
   * rollouts of four tokens, so evaluation takes four more forward passes over at most 512 short rows
   * (in passes of 128); the estimates' standard error is then at most 1/√256 ≈ 0.06.
   */
  brierPositions?: number;
}

const topK = 5;
/** κ values kept per evaluation for the page's histogram. */
const maxKappas = 2000;
/** Most frequent target words placed on the embedding map. */
const mapWords = 400;

const maps = new WeakMap<Task, { projection: Projection; map: NonNullable<RunRecord['embeddingMap']> }>();

/** A PCA map of the most frequent target words' vectors, computed once per task. */
function embeddingMap(task: Task) {
  let cached = maps.get(task);
  if (!cached) {
    const m = task.tableDimension;
    const first = 4; // after <pad> <unk> <bos> <eos>
    const count = Math.max(0, Math.min(mapWords, task.targetVocabulary.size - first));
    const rows = task.targetTable.subarray(first * m, (first + count) * m);
    const projection = principalComponents(rows, count, m);
    const points = Array.from({ length: count }, (_, r) => project(projection, rows.subarray(r * m, (r + 1) * m)));
    cached = {
      projection,
      map: {
        words: task.targetVocabulary.tokens.slice(first, first + count),
        x: points.map((p) => p[0] ?? 0),
        y: points.map((p) => p[1] ?? 0),
      },
    };
    maps.set(task, cached);
  }
  return cached;
}

function describeStep(task: Task, step: DecodedStep, projection: Projection | undefined) {
  const tokenOf = (id: number) => task.targetVocabulary.tokens[id] ?? '<unk>';
  const described: NonNullable<NonNullable<EvalPoint['samples']>[number]['tokens']>[number] = {
    token: tokenOf(step.id),
    neighbours: step.neighbours.filter((n) => n.id >= 0).map((n) => ({ token: tokenOf(n.id), score: n.score })),
  };
  if (step.prediction) {
    const kappa = Math.hypot(...step.prediction);
    described.kappa = kappa;
    if (projection && kappa > 0) {
      const [x, y] = project(
        projection,
        step.prediction.map((v) => v / kappa),
      );
      described.x = x ?? 0;
      described.y = y ?? 0;
    }
  }
  return described;
}

interface TokenScores {
  lossSum: number;
  /** Σ −log p(y): the loss itself unless the head adds a term to its cross-entropy. */
  crossEntropySum: number;
  tokens: number;
  correct1: number;
  correct5: number;
}

/** Continuous heads predict ê; their κ = ‖ê‖ and direction are worth showing. */
function continuousHead(run: TrainingRun): ContinuousHead | undefined {
  return run.model.head instanceof ContinuousHead ? run.model.head : undefined;
}

async function scoreBatch(run: TrainingRun, batch: Batch): Promise<TokenScores & { kappas: number[] }> {
  const { engine, model } = run;
  const n = batch.size * batch.length;
  const continuous = continuousHead(run);
  const [lossSum, topIds, norms, crossEntropySum] = await engine.withoutGradients(() =>
    engine.tidy(() => {
      const hidden = model.backbone.forward(engine, sequenceBatch(batch), { dropout: 0 });
      const targets = engine.tensor(batch.target, [n], 'i32', 'targets');
      const loss = engine.readLater(sumAll(model.head.loss(hidden, targets)));
      const ids = engine.readLater(model.head.decode(hidden, topK).ids);
      const crossEntropy = model.head.crossEntropy
        ? engine.readLater(sumAll(model.head.crossEntropy(hidden, targets)))
        : loss;
      const kappas = continuous
        ? engine.readLater(unary('sqrt', sumRows(unary('square', continuous.predict(hidden)))))
        : undefined;
      engine.flush();
      return Promise.all([loss, ids, kappas, crossEntropy]);
    }),
  );
  const scores = {
    lossSum: lossSum[0]!,
    crossEntropySum: crossEntropySum[0]!,
    tokens: 0,
    correct1: 0,
    correct5: 0,
    kappas: [] as number[],
  };
  for (let i = 0; i < n; i++) {
    const target = batch.target[i]!;
    if (target === ignoredTarget) continue;
    scores.tokens++;
    const row = topIds.subarray(i * topK, (i + 1) * topK);
    if (row[0] === target) scores.correct1++;
    if (row.includes(target)) scores.correct5++;
    if (norms) scores.kappas.push(norms[i]!);
  }
  return scores;
}

/** One greedy step of a detailed row: the chosen id, its top-k, and ê for continuous heads. */
export interface DecodedStep {
  id: number;
  neighbours: { id: number; score: number }[];
  prediction?: Float32Array;
}

/** What greedy decoding gives back per row of a batch. */
export interface GreedyDecoding {
  /** Ids without <bos> and <eos>. */
  ids: number[][];
  /** Each output id's top-k and prediction, for the first `detailRows` rows. */
  details: DecodedStep[][];
  /** Per output id, the attention over the row's real source positions (encoder–decoder models). */
  attention: Float32Array[][] | undefined;
}

/**
 * Greedy decoding of one batch of sources. The first `detailRows` rows also keep each step's top-5
 * and prediction (for the page's samples table).
 */
export async function greedyDecode(
  run: TrainingRun,
  batch: Batch,
  maxSteps: number,
  detailRows = 0,
): Promise<GreedyDecoding> {
  const { engine, model } = run;
  const k = detailRows > 0 ? topK : 1;
  const continuous = detailRows > 0 ? continuousHead(run) : undefined;
  const decoder = model.backbone.decoder(engine, sequenceBatch(batch));
  const outputs: number[][] = Array.from({ length: batch.size }, () => []);
  const details: DecodedStep[][] = Array.from({ length: Math.min(detailRows, batch.size) }, () => []);
  const finished = new Array<boolean>(batch.size).fill(false);
  let ids = new Int32Array(batch.size).fill(specialIds.bos);
  let attention: Float32Array[][] | undefined;
  try {
    let steps = 0;
    for (; steps < maxSteps && finished.includes(false); steps++) {
      const states = decoder.next(ids);
      const [top, scores, predictions] = await engine.withoutGradients(() =>
        engine.tidy(() => {
          const best = model.head.decode(states, k);
          const reads = Promise.all([
            engine.readLater(best.ids),
            engine.readLater(best.scores),
            continuous ? engine.readLater(continuous.predict(states)) : undefined,
          ]);
          engine.flush();
          return reads;
        }),
      );
      ids = Int32Array.from({ length: batch.size }, (_, b) => top[b * k]!);
      ids.forEach((id, b) => {
        if (finished[b]) return;
        if (id === specialIds.eos) {
          finished[b] = true;
          return;
        }
        outputs[b]!.push(id);
        if (b >= details.length) return;
        const neighbours = Array.from({ length: k }, (_, j) => ({ id: top[b * k + j]!, score: scores[b * k + j]! }));
        const m = predictions ? predictions.length / batch.size : 0;
        details[b]!.push({
          id,
          neighbours,
          ...(predictions ? { prediction: Float32Array.from(predictions.subarray(b * m, (b + 1) * m)) } : {}),
        });
      });
    }
    // Read once at the end: [B, steps, S]; a row's output j was chosen at step j.
    if (decoder.attention && steps > 0) {
      const all = Float32Array.from(await engine.read(decoder.attention()));
      const S = batch.sourceLength;
      attention = outputs.map((row, b) =>
        row.map((_, j) => all.slice((b * steps + j) * S, (b * steps + j) * S + batch.sourceLengths![b]!)),
      );
    }
  } finally {
    decoder.release();
  }
  return { ids: outputs, details, attention };
}

/** Longest output greedy decoding may produce: as long as the longest validation sentence, plus <eos>. */
function decodeLimit(run: TrainingRun): number {
  return Math.min(run.model.backbone.maxLength, sequenceLimit(run.config)) - 1;
}

export async function evaluate(run: TrainingRun, options: EvaluationOptions): Promise<EvalPoint> {
  const { task } = run;
  const totals: TokenScores = { lossSum: 0, crossEntropySum: 0, tokens: 0, correct1: 0, correct5: 0 };
  const kappas: number[] = [];
  for (const batch of evaluationBatches(task.valid, { sentences: options.batchSentences })) {
    const scores = await scoreBatch(run, batch);
    kappas.push(...scores.kappas.slice(0, maxKappas - kappas.length));
    totals.lossSum += scores.lossSum;
    totals.crossEntropySum += scores.crossEntropySum;
    totals.tokens += scores.tokens;
    totals.correct1 += scores.correct1;
    totals.correct5 += scores.correct5;
  }
  const validLoss = totals.lossSum / Math.max(1, totals.tokens);
  const point: EvalPoint = {
    step: run.step,
    wallMs: run.wallMs,
    validLoss,
    accuracy1: totals.correct1 / Math.max(1, totals.tokens),
    accuracy5: totals.correct5 / Math.max(1, totals.tokens),
  };
  if (run.model.head.kind === 'discrete')
    point.perplexity = Math.exp(totals.crossEntropySum / Math.max(1, totals.tokens));
  if (task.kind === 'language-model') {
    // Drawn from the init seed, so a run's figures reproduce and runs of one comparison share draws.
    const estimate = await brierOfRun(run, options.brierPositions ?? 256, run.config.train.initSeed);
    if (estimate) {
      point.brier = estimate.brier;
      point.brierLm = brierLm(estimate.brier);
    }
  }
  if (kappas.length > 0) point.kappas = kappas;
  if (continuousHead(run) && !run.record.embeddingMap) run.record.embeddingMap = embeddingMap(task).map;
  const decodeCount = Math.min(options.decodeSentences, task.valid.length);
  if (task.kind === 'translation' && decodeCount > 0) {
    const hypotheses: { kept: string[]; replaced: string[] }[] = [];
    const details: DecodedStep[][] = [];
    for (let start = 0; start < decodeCount; start += options.batchSentences) {
      const group = Array.from({ length: Math.min(options.batchSentences, decodeCount - start) }, (_, i) => start + i);
      const decoded = await greedyDecode(
        run,
        buildBatch(task.valid, group),
        decodeLimit(run),
        Math.max(0, options.samples - start),
      );
      decoded.ids.forEach((ids, row) => {
        const units = task.targetVocabulary.decode(ids);
        const attention = decoded.attention?.[row] ?? [];
        const { sourceTokens, unknownWords } = task.validText[group[row]!]!;
        hypotheses.push({
          kept: task.decodeTarget(ids, numberedReplacements(units, unknownWords)),
          replaced: task.decodeTarget(ids, unknownReplacements(sourceTokens, units, attention, unknownWords)),
        });
      });
      details.push(...decoded.details);
    }
    const references = task.validText.slice(0, decodeCount).map((text) => text.reference);
    const scores = bleuWithAndWithoutDuplicates(
      hypotheses.map((h) => h.replaced),
      references,
    );
    point.bleu = scores.raw.score;
    point.bleuNoDuplicates = scores.deduplicated.score;
    point.bleuUnkKept = bleu(
      hypotheses.map((h) => detokenize(h.kept)),
      references,
    ).score;
    const emitted = hypotheses.flatMap((h) => h.kept);
    point.unknownShare = emitted.length === 0 ? 0 : emitted.filter(isUnresolvedUnknown).length / emitted.length;
    const map = continuousHead(run) ? embeddingMap(task) : undefined;
    point.samples = hypotheses.slice(0, options.samples).map((hypothesis, i) => ({
      source: task.validText[i]!.source,
      reference: references[i]!,
      hypothesis: detokenize(hypothesis.replaced),
      tokens: (details[i] ?? []).map((step) => describeStep(task, step, map?.projection)),
    }));
  }
  run.record.evals.push(point);
  return point;
}
