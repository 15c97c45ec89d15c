// From a configuration to everything a run trains on: tokenised examples, vocabularies and the
// frozen target table of the continuous heads. Every run of a comparison that shares these settings
// shares one Task, so the heads see the same words, the same table and the same batches.
import type { ReadAsset } from '../data/assets';
import { seq2seqExamples, languageModelExamples, type Example } from '../data/batching';
import { loadCorpus, loadParallel } from '../data/datasets';
import { detokenize, tokenizeWords } from '../data/tokenize';
import { Vocabulary, specialIds } from '../data/vocabulary';
import type { PretrainedVectors } from '../embeddings/fillMissing';
import { buildTargetEmbeddings, loadPretrainedGlove } from '../embeddings/targetEmbeddings';
import { buildTargetTable } from '../heads/targetTable';
import type { Engine } from '../tensor/engine';
import type { ExperimentConfig } from './config';
import { isSyntheticDataset, randomUnitTable, syntheticPairs } from './synthetic';

export interface Task {
  kind: ExperimentConfig['task'];
  /** Null for a language model (no encoder). */
  sourceVocabulary: Vocabulary | null;
  targetVocabulary: Vocabulary;
  train: Example[];
  valid: Example[];
  /** Per validation example: its source and reference as readable (tokenised, detokenised) text. */
  validText: { source: string; reference: string }[];
  /** Unit-row target table [V, m] with the reference code's special rows (methods.md A1). */
  targetTable: Float32Array;
  tableDimension: number;
  /** Share of target-vocabulary words whose row is a shipped (GloVe) vector. */
  pretrainedShare: number;
}

/** The settings a Task depends on: runs equal in these share one. */
export function taskKey(config: ExperimentConfig): string {
  return JSON.stringify([config.task, config.dataset, config.data, config.embeddings]);
}

type Pair = { source: string[]; target: string[] };

/**
 * Validation keeps translation pairs up to twice data.maxLength: the shipped validation splits are
 * small (213 verses for bible-es-en), and a short training limit would leave almost none of them.
 * The model's position table covers this length (see sequenceLimit).
 */
export function validationLengthLimit(config: ExperimentConfig): number {
  return 2 * config.data.maxLength;
}

/** Examples drawn for a synthetic task when data.trainSentences is 0 (all). */
const syntheticDefaultCount = 5000;

function fits(tokens: readonly string[], maxLength: number): boolean {
  return tokens.length > 0 && tokens.length <= maxLength;
}

async function translationPairs(read: ReadAsset, config: ExperimentConfig, split: 'train' | 'valid', cap: number): Promise<Pair[]> {
  if (isSyntheticDataset(config.dataset)) {
    const { data, train } = config;
    const count = cap === 0 ? syntheticDefaultCount : cap;
    // Distinct seeds per split, so validation sequences are new draws.
    const seed = train.dataSeed * 2 + (split === 'valid' ? 1 : 0);
    return syntheticPairs(config.dataset, { symbols: data.targetVocab - 4, maxLength: data.maxLength, count, seed });
  }
  const text = await loadParallel(read, config.dataset, split);
  const limit = split === 'train' ? config.data.maxLength : validationLengthLimit(config);
  const pairs: Pair[] = [];
  for (let i = 0; i < text.src.length && (cap === 0 || pairs.length < cap); i++) {
    const pair = { source: tokenizeWords(text.src[i]!), target: tokenizeWords(text.tgt[i]!) };
    if (fits(pair.source, limit) && fits(pair.target, limit)) pairs.push(pair);
  }
  return pairs;
}

async function corpusLines(read: ReadAsset, config: ExperimentConfig, split: 'train' | 'valid', cap: number): Promise<string[][]> {
  const lines = (await loadCorpus(read, config.dataset, split)).map((line) => tokenizeWords(line)).filter((tokens) => tokens.length > 0);
  return cap === 0 ? lines : lines.slice(0, cap);
}

/** The mean of the shipped vectors of words outside the vocabulary (the reference code's UNK). */
function meanOfRowsOutside(vectors: PretrainedVectors, vocabulary: Vocabulary): Float64Array {
  const m = vectors.dimension;
  const sum = new Float64Array(m);
  vectors.words.forEach((word, i) => {
    if (vocabulary.has(word)) return;
    for (let j = 0; j < m; j++) sum[j]! += vectors.vectors[i * m + j]!;
  });
  return sum;
}

/** One token stream with <eos> closing every line, cut into windows of maxLength. */
function languageModelStream(lines: readonly string[][], vocabulary: Vocabulary): Int32Array {
  const ids: number[] = [];
  for (const line of lines) {
    for (const id of vocabulary.encode(line)) ids.push(id);
    ids.push(specialIds.eos);
  }
  return Int32Array.from(ids);
}

/** The target vocabulary and its table: GloVe and/or in-app PPMI-SVD vectors, or random rows for a synthetic task. */
async function targetSide(read: ReadAsset, config: ExperimentConfig, sentences: string[][], engine: Engine | undefined) {
  const { data, embeddings: settings } = config;
  if (isSyntheticDataset(config.dataset)) {
    const vocabulary = Vocabulary.fromSentences(sentences, { maxSize: data.targetVocab });
    const m = settings.dimension;
    const random = randomUnitTable(vocabulary.size, m, config.train.dataSeed);
    const row = (id: number) => random.subarray(id * m, (id + 1) * m);
    return { vocabulary, targetTable: buildTargetTable(vocabulary.size, m, row, specialIds, [row(specialIds.unk)]), tableDimension: m, pretrainedShare: 0 };
  }
  const glove = settings.source === 'glove' ? await loadPretrainedGlove(read) : undefined;
  const built = await buildTargetEmbeddings(sentences, {
    vocabSize: data.targetVocab,
    dimension: Math.min(settings.dimension, data.targetVocab - 1),
    ...(glove ? { pretrained: glove } : {}),
    ...(engine ? { engine } : {}),
  });
  const { vocabulary, table: filled } = built;
  const m = filled.dimension;
  const row = (id: number) => filled.vectors.subarray(id * m, (id + 1) * m);
  // UNK: the mean of the shipped vectors of words outside the vocabulary, as the reference code
  // does; without shipped vectors, the in-app vector learnt for <unk> itself.
  const unkSource = [glove ? meanOfRowsOutside(glove, vocabulary) : row(specialIds.unk)];
  const targetTable = buildTargetTable(vocabulary.size, m, row, specialIds, unkSource);
  const pretrainedShare = filled.source.reduce((n, s) => n + (s === 0 ? 1 : 0), 0) / vocabulary.size;
  return { vocabulary, targetTable, tableDimension: m, pretrainedShare };
}

export async function prepareTask(read: ReadAsset, config: ExperimentConfig, { engine }: { engine?: Engine } = {}): Promise<Task> {
  const { data } = config;
  const translation = config.task === 'translation';
  const [trainPairs, validPairs] = translation
    ? await Promise.all([translationPairs(read, config, 'train', data.trainSentences), translationPairs(read, config, 'valid', data.validSentences)])
    : [null, null];
  const [trainLines, validLines] = translation
    ? [null, null]
    : await Promise.all([corpusLines(read, config, 'train', data.trainSentences), corpusLines(read, config, 'valid', data.validSentences)]);
  const targetSentences = trainPairs ? trainPairs.map((p) => p.target) : trainLines!;
  if (targetSentences.length === 0) throw new Error(`No training sentences of at most data.maxLength = ${data.maxLength} tokens in ${config.dataset}`);

  const { vocabulary, targetTable, tableDimension: m, pretrainedShare } = await targetSide(read, config, targetSentences, engine);

  if (trainPairs && validPairs) {
    const sourceVocabulary = Vocabulary.fromSentences(trainPairs.map((p) => p.source), { maxSize: data.sourceVocab });
    const encode = (pairs: Pair[]) => seq2seqExamples(pairs.map((p) => ({ source: sourceVocabulary.encode(p.source), target: vocabulary.encode(p.target) })));
    return {
      kind: config.task,
      sourceVocabulary,
      targetVocabulary: vocabulary,
      train: encode(trainPairs),
      valid: encode(validPairs),
      validText: validPairs.map((p) => ({ source: detokenize(p.source), reference: detokenize(p.target) })),
      targetTable,
      tableDimension: m,
      pretrainedShare,
    };
  }
  const valid = languageModelExamples(languageModelStream(validLines!, vocabulary), data.maxLength);
  return {
    kind: config.task,
    sourceVocabulary: null,
    targetVocabulary: vocabulary,
    train: languageModelExamples(languageModelStream(trainLines!, vocabulary), data.maxLength),
    valid,
    validText: valid.map((example) => ({ source: '', reference: detokenize(vocabulary.decode(example.target)) })),
    targetTable,
    tableDimension: m,
    pretrainedShare,
  };
}

/** Names the shipped datasets by task, for validating a configuration without reading files. */
