// The figures a results table reports per head: which evaluation of a run counts, the mean and
// spread over seeds, and the setup sentence of a training part.
import type { ExperimentConfig } from '../../experiments/config';
import type { EvalPoint, RunRecord } from '../../train/record';

export interface Summary {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  std: number;
  n: number;
}

export function meanStd(values: readonly number[]): Summary | undefined {
  if (values.length === 0) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance), n: values.length };
}

/**
 * The evaluation a run is reported by: its best, as early stopping chose it (by `train.stopOn`), or
 * the last one of a run that trained every step (model selection on the validation set, as the
 * papers select epochs). Undefined for a run with no evaluation.
 */
export function reportedEval(run: RunRecord): EvalPoint | undefined {
  const best = run.earlyStop?.bestStep;
  return (best === undefined ? undefined : run.evals.find((e) => e.step === best)) ?? run.evals.at(-1);
}

/** "bible-kjv-en, vocabularies 500/500, sentences ≤ 16 words, transformer 1+1 layers d = 64 …" */
export function describeSetup(config: ExperimentConfig): string {
  const { data, model, train, embeddings } = config;
  const vocab =
    config.task === 'translation'
      ? `source/target vocabularies ${data.sourceVocab}/${data.targetVocab}${data.sharedVocabulary ? ' (one for both sides)' : ''}${data.numberedUnknowns > 0 ? `, up to ${data.numberedUnknowns} unknown words per sentence numbered for copying` : ''}, training pairs of at most ${data.maxLength} words`
      : `vocabulary ${data.targetVocab}, windows of ${data.maxLength} tokens${data.trainSentences ? ` (${data.trainSentences} for training)` : ''}`;
  const layers =
    config.task === 'translation'
      ? `${model.encoderLayers}+${model.decoderLayers} layers`
      : `${model.decoderLayers} decoder layer${model.decoderLayers > 1 ? 's' : ''}`;
  const schedule = train.decay === 'none' ? 'constant after warm-up' : `${train.decay} decay`;
  const figure =
    train.stopOn === 'accuracy'
      ? 'validation token accuracy @1 has not risen by 0.1 points'
      : 'validation loss has not beaten its best by 0.1 % of its progress since the first evaluation';
  const stop =
    train.patience > 0
      ? `until ${figure} for ${train.patience} evaluations in a row (every ${train.evalEvery} steps)${train.minSteps > 0 ? `, no sooner than step ${train.minSteps}` : ''}, at most ${train.steps} steps`
      : `${train.steps} steps`;
  return (
    `Dataset ${config.dataset}, ${vocab}; ${config.task === 'translation' ? `${data.validSentences} validation sentences scored (BLEU decodes them greedily)` : `${data.validSentences} validation windows scored`}. ` +
    `A ${model.backbone} of ${layers}, d = ${model.dModel}, ${model.backbone === 'transformer' ? `${model.heads} heads, FFN ${model.ffn}, ` : ''}dropout ${model.dropout}. ` +
    `Continuous heads predict ${embeddings.source === 'glove' ? 'GloVe' : embeddings.source} ${embeddings.dimension}-d target embeddings${embeddings.pretrainedWeight < 1 ? `, mixed with random-sphere rows at α = ${embeddings.pretrainedWeight}` : ''}. ` +
    `Adam at ${train.learningRate} (${train.warmupSteps} warm-up steps, ${schedule}), batches of ${train.batchSentences} sentences, clip ${train.clip}; trained ${stop}.`
  );
}
