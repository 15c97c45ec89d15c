// Validation: teacher-forced loss and token accuracy @1/@5 (argmax of the logits for softmax heads,
// cosine nearest neighbour for continuous ones), perplexity for softmax heads, and for translation
// greedy decoding of whole sentences scored with corpus BLEU (sacreBLEU defaults), with and without
// the reference code's removal of consecutive duplicates. Shape legend: B batch, T length, N = B·T.
import { buildBatch, evaluationBatches, ignoredTarget, type Batch } from '../data/batching';
import { detokenize } from '../data/tokenize';
import { specialIds } from '../data/vocabulary';
import { sequenceLimit } from '../experiments/model';
import { bleuWithAndWithoutDuplicates } from '../math/bleu';
import { sumAll } from '../tensor/ops/reduce';
import type { EvalPoint } from './record';
import { sequenceBatch, type TrainingRun } from './run';

export interface EvaluationOptions {
  /** Sentences per evaluation batch. */
  batchSentences: number;
  /** Validation sentences decoded greedily for BLEU (0: no decoding). */
  decodeSentences: number;
  /** Decoded sentences kept as samples in the record. */
  samples: number;
}

const topK = 5;

interface TokenScores {
  lossSum: number;
  tokens: number;
  correct1: number;
  correct5: number;
}

async function scoreBatch(run: TrainingRun, batch: Batch): Promise<TokenScores> {
  const { engine, model } = run;
  const n = batch.size * batch.length;
  const [lossSum, topIds] = await engine.withoutGradients(() =>
    engine.tidy(() => {
      const hidden = model.backbone.forward(engine, sequenceBatch(batch), { dropout: 0 });
      const targets = engine.tensor(batch.target, [n], 'i32', 'targets');
      const loss = engine.readLater(sumAll(model.head.loss(hidden, targets)));
      const ids = engine.readLater(model.head.decode(hidden, topK).ids);
      engine.flush();
      return Promise.all([loss, ids]);
    }),
  );
  const scores: TokenScores = { lossSum: lossSum[0]!, tokens: 0, correct1: 0, correct5: 0 };
  for (let i = 0; i < n; i++) {
    const target = batch.target[i]!;
    if (target === ignoredTarget) continue;
    scores.tokens++;
    const row = topIds.subarray(i * topK, (i + 1) * topK);
    if (row[0] === target) scores.correct1++;
    if (row.includes(target)) scores.correct5++;
  }
  return scores;
}

/** Greedy decoding of one batch of sources: ids per row, without <bos> and <eos>. */
export async function greedyDecode(run: TrainingRun, batch: Batch, maxSteps: number): Promise<number[][]> {
  const { engine, model } = run;
  const decoder = model.backbone.decoder(engine, sequenceBatch(batch));
  const outputs: number[][] = Array.from({ length: batch.size }, () => []);
  const finished = new Array<boolean>(batch.size).fill(false);
  let ids = new Int32Array(batch.size).fill(specialIds.bos);
  try {
    for (let t = 0; t < maxSteps && finished.includes(false); t++) {
      const states = decoder.next(ids);
      const best = engine.withoutGradients(() => engine.tidy(() => model.head.decode(states, 1)));
      const read = engine.read(best.ids);
      best.ids.release();
      best.scores.release();
      ids = Int32Array.from(await read);
      ids.forEach((id, b) => {
        if (finished[b]) return;
        if (id === specialIds.eos) finished[b] = true;
        else outputs[b]!.push(id);
      });
    }
  } finally {
    decoder.release();
  }
  return outputs;
}

/** Longest output greedy decoding may produce: as long as the longest validation sentence, plus <eos>. */
function decodeLimit(run: TrainingRun): number {
  return Math.min(run.model.backbone.maxLength, sequenceLimit(run.config)) - 1;
}

export async function evaluate(run: TrainingRun, options: EvaluationOptions): Promise<EvalPoint> {
  const { task } = run;
  const totals: TokenScores = { lossSum: 0, tokens: 0, correct1: 0, correct5: 0 };
  for (const batch of evaluationBatches(task.valid, { sentences: options.batchSentences })) {
    const scores = await scoreBatch(run, batch);
    totals.lossSum += scores.lossSum;
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
  if (run.model.head.kind === 'discrete') point.perplexity = Math.exp(validLoss);
  const decodeCount = Math.min(options.decodeSentences, task.valid.length);
  if (task.kind === 'translation' && decodeCount > 0) {
    const hypotheses: string[] = [];
    for (let start = 0; start < decodeCount; start += options.batchSentences) {
      const group = Array.from({ length: Math.min(options.batchSentences, decodeCount - start) }, (_, i) => start + i);
      const decoded = await greedyDecode(run, buildBatch(task.valid, group), decodeLimit(run));
      for (const ids of decoded) hypotheses.push(detokenize(task.targetVocabulary.decode(ids)));
    }
    const references = task.validText.slice(0, decodeCount).map((text) => text.reference);
    const scores = bleuWithAndWithoutDuplicates(hypotheses, references);
    point.bleu = scores.raw.score;
    point.bleuNoDuplicates = scores.deduplicated.score;
    point.samples = hypotheses.slice(0, options.samples).map((hypothesis, i) => ({ source: task.validText[i]!.source, reference: references[i]!, hypothesis }));
  }
  run.record.evals.push(point);
  return point;
}
