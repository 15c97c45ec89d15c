// From a configuration to everything a run trains on: tokenised examples, vocabularies and the
// frozen target table of the continuous heads. Every run of a comparison that shares these settings
// shares one Task, so the heads see the same words, the same table and the same batches.
import type { ReadAsset } from '../data/assets';
import { seq2seqExamples, languageModelExamples, type Example } from '../data/batching';
import { loadCorpus, loadParallel } from '../data/datasets';
import { numberUnknowns, numberedUnknownTokens, type NumberedPair } from '../data/numberedUnknowns';
import { detokenize, tokenizeWords } from '../data/tokenize';
import { Vocabulary, specialIds } from '../data/vocabulary';
import type { Engine } from '../tensor/engine';
import { isRandomSource, type ExperimentConfig } from './config';
import type { TargetCodec } from './targetCodec';
import { isSyntheticDataset, syntheticPairs } from './synthetic';
import { targetSide } from './targetSide';
import { isUploadName, uploadSplit, type UploadedData, type UploadedDataset } from './uploads';

export interface Task {
  kind: ExperimentConfig['task'];
  /** Null for a language model (no encoder). */
  sourceVocabulary: Vocabulary | null;
  targetVocabulary: Vocabulary;
  /** Target ids → word tokens (BPE subwords joined), with whole words put in at `replacements`' positions. */
  decodeTarget(ids: ArrayLike<number>, replacements?: ReadonlyMap<number, string>): string[];
  train: Example[];
  valid: Example[];
  /**
   * Per validation example: its source and reference as readable (tokenised, detokenised) text, and
   * the source's word tokens (the ids' words, before any became <unk>) for <unk> replacement, and the
   * words its numbered unknowns stand for (entry N − 1 for <unkN>; empty without data.numberedUnknowns).
   */
  validText: { source: string; reference: string; sourceTokens: string[]; unknownWords: string[] }[];
  /** Unit-row target table [V, m] with the reference code's special rows (methods.md A1). */
  targetTable: Float32Array;
  tableDimension: number;
  /**
   * Share of target-vocabulary words whose row is a pretrained (shipped GloVe or uploaded) vector, or
   * has one mixed in (embeddings.pretrainedWeight > 0); 0 for a random table.
   */
  pretrainedShare: number;
}

/** The settings a Task depends on: runs equal in these share one. */
export function taskKey(config: ExperimentConfig): string {
  const { embeddings, train } = config;
  // Random rows are drawn from the init seed, so runs of different init seeds need tables of their own.
  const drawsRandomRows = isRandomSource(embeddings.source) || embeddings.pretrainedWeight < 1;
  return JSON.stringify([config.task, config.dataset, config.data, embeddings, drawsRandomRows ? train.initSeed : 0]);
}

type Pair = { source: string[]; target: string[] };
type Split = 'train' | 'valid';

/**
 * The uploaded dataset a config names, or undefined for a shipped one; an `upload:` name the page no longer holds is an
 * error.
 */
function uploadedDataset<K extends UploadedDataset['kind']>(
  uploads: UploadedData | undefined,
  name: string,
  kind: K,
): Extract<UploadedDataset, { kind: K }> | undefined {
  if (!isUploadName(name)) return undefined;
  const dataset = uploads?.datasets[name];
  if (dataset?.kind !== kind)
    throw new Error(
      `No uploaded ${kind === 'parallel' ? 'parallel text' : 'corpus'} named ${name}: upload the file again`,
    );
  return dataset as Extract<UploadedDataset, { kind: K }>;
}

async function parallelText(
  read: ReadAsset,
  name: string,
  split: Split,
  uploads: UploadedData | undefined,
): Promise<{ src: string[]; tgt: string[] }> {
  const uploaded = uploadedDataset(uploads, name, 'parallel');
  return uploaded
    ? { src: uploadSplit(uploaded.src, split), tgt: uploadSplit(uploaded.tgt, split) }
    : loadParallel(read, name, split);
}

async function corpusText(
  read: ReadAsset,
  name: string,
  split: Split,
  uploads: UploadedData | undefined,
): Promise<string[]> {
  const uploaded = uploadedDataset(uploads, name, 'corpus');
  return uploaded ? uploadSplit(uploaded.lines, split) : loadCorpus(read, name, split);
}

/**
 * Validation keeps translation pairs up to twice data.maxLength: the shipped validation splits are
 * small (213 verses for bible-es-en), and a short training limit would leave almost none of them.
 * The model's position table covers this length (see sequenceLimit).
 */
function validationLengthLimit(config: ExperimentConfig): number {
  return 2 * config.data.maxLength;
}

/** Examples drawn for a synthetic task when data.trainSentences is 0 (all). */
const syntheticDefaultCount = 5000;

function fits(tokens: readonly string[], maxLength: number): boolean {
  return tokens.length > 0 && tokens.length <= maxLength;
}

/**
 * Whether `text` has more than `limit` whitespace-separated pieces. Each piece holds at least one
 * token, so such a line cannot fit and is skipped before it is tokenised — most of a corpus at a
 * short limit (bible-kjv-en at 16 keeps 3,711 of 30,637 verses; tokenising them all took 0.68 s).
 */
const piece = /\S+/g;
function morePiecesThan(text: string, limit: number): boolean {
  piece.lastIndex = 0;
  let count = 0;
  while (piece.exec(text)) if (++count > limit) return true;
  return false;
}

async function translationPairs(
  read: ReadAsset,
  config: ExperimentConfig,
  split: Split,
  cap: number,
  uploads: UploadedData | undefined,
): Promise<Pair[]> {
  if (isSyntheticDataset(config.dataset)) {
    const { data, train } = config;
    const count = cap === 0 ? syntheticDefaultCount : cap;
    // Distinct seeds per split, so validation sequences are new draws.
    const seed = train.dataSeed * 2 + (split === 'valid' ? 1 : 0);
    return syntheticPairs(config.dataset, { symbols: data.targetVocab - 4, maxLength: data.maxLength, count, seed });
  }
  const text = await parallelText(read, config.dataset, split, uploads);
  const limit = split === 'train' ? config.data.maxLength : validationLengthLimit(config);
  const pairs: Pair[] = [];
  for (let i = 0; i < text.src.length && (cap === 0 || pairs.length < cap); i++) {
    if (morePiecesThan(text.src[i]!, limit) || morePiecesThan(text.tgt[i]!, limit)) continue;
    const pair = { source: tokenizeWords(text.src[i]!), target: tokenizeWords(text.tgt[i]!) };
    if (fits(pair.source, limit) && fits(pair.target, limit)) pairs.push(pair);
  }
  return pairs;
}

/**
 * The pairs with their unknown words numbered (data.numberedUnknowns), judged by vocabularies counted
 * as the task counts its own from the rewritten pairs: the numbered tokens are reserved places and a
 * rewrite only lowers the counts of words already left out, so both hold the same words.
 */
function numberPairs(
  config: ExperimentConfig,
  train: Pair[],
  valid: Pair[],
): { train: NumberedPair[]; valid: NumberedPair[] } {
  const { data } = config;
  const reserved = numberedUnknownTokens(data.numberedUnknowns);
  const targetSentences = train.map((p) => p.target);
  const sourceSentences = train.map((p) => p.source);
  const targets = Vocabulary.fromSentences(
    data.sharedVocabulary ? [...targetSentences, ...sourceSentences] : targetSentences,
    {
      maxSize: data.targetVocab,
      reserved,
    },
  );
  const sources = data.sharedVocabulary
    ? targets
    : Vocabulary.fromSentences(sourceSentences, { maxSize: data.sourceVocab, reserved });
  const number = (pair: Pair) =>
    numberUnknowns(
      pair,
      reserved.length,
      (word) => sources.has(word),
      (word) => targets.has(word),
    );
  return { train: train.map(number), valid: valid.map(number) };
}

/**
 * The corpus lines that fill `windows` windows of data.maxLength tokens (0 = every line): for a
 * language model a "sentence" is one such window, since a corpus line can be a whole speech.
 */
async function corpusLines(
  read: ReadAsset,
  config: ExperimentConfig,
  split: Split,
  windows: number,
  uploads: UploadedData | undefined,
): Promise<string[][]> {
  const lines = (await corpusText(read, config.dataset, split, uploads))
    .map((line) => tokenizeWords(line))
    .filter((tokens) => tokens.length > 0);
  if (windows === 0) return lines;
  const wanted = windows * config.data.maxLength + 1;
  const kept: string[][] = [];
  let tokens = 0;
  for (const line of lines) {
    if (tokens >= wanted) break;
    kept.push(line);
    tokens += line.length + 1; // + <eos>
  }
  return kept;
}

/** One token stream with <eos> closing every line, cut into windows of maxLength. */
function languageModelStream(lines: readonly string[][], codec: TargetCodec): Int32Array {
  const ids: number[] = [];
  for (const line of lines) {
    for (const id of codec.encode(line)) ids.push(id);
    ids.push(specialIds.eos);
  }
  return Int32Array.from(ids);
}

export interface TaskOptions {
  /** Runs the in-app SVD on the GPU; without it, on the CPU. */
  engine?: Engine;
  /** The user's files, for configs naming an `upload:` dataset or embeddings.source "uploaded". */
  uploads?: UploadedData;
}

export async function prepareTask(
  read: ReadAsset,
  config: ExperimentConfig,
  { engine, uploads }: TaskOptions = {},
): Promise<Task> {
  const { data } = config;
  const translation = config.task === 'translation';
  const [rawTrainPairs, rawValidPairs] = translation
    ? await Promise.all([
        translationPairs(read, config, 'train', data.trainSentences, uploads),
        translationPairs(read, config, 'valid', data.validSentences, uploads),
      ])
    : [null, null];
  const numbered =
    rawTrainPairs && rawValidPairs && data.numberedUnknowns > 0
      ? numberPairs(config, rawTrainPairs, rawValidPairs)
      : undefined;
  const trainPairs: Pair[] | null = numbered?.train ?? rawTrainPairs;
  const validPairs: Pair[] | null = numbered?.valid ?? rawValidPairs;
  const [trainLines, validLines] = translation
    ? [null, null]
    : await Promise.all([
        corpusLines(read, config, 'train', data.trainSentences, uploads),
        corpusLines(read, config, 'valid', data.validSentences, uploads),
      ]);
  const targetSentences = trainPairs ? trainPairs.map((p) => p.target) : trainLines!;
  if (targetSentences.length === 0)
    throw new Error(`No training sentences of at most data.maxLength = ${data.maxLength} tokens in ${config.dataset}`);
  // A shared vocabulary counts words on both sides (the schema allows it for word-level translation only).
  const vocabularySentences =
    data.sharedVocabulary && trainPairs ? [...targetSentences, ...trainPairs.map((p) => p.source)] : targetSentences;

  const {
    codec,
    targetTable,
    tableDimension: m,
    pretrainedShare,
  } = await targetSide(read, config, vocabularySentences, engine, uploads);
  const common = {
    kind: config.task,
    targetVocabulary: codec.vocabulary,
    decodeTarget: codec.decode,
    targetTable,
    tableDimension: m,
    pretrainedShare,
  };

  if (trainPairs && validPairs && rawValidPairs) {
    const sourceVocabulary = data.sharedVocabulary
      ? codec.vocabulary
      : Vocabulary.fromSentences(
          trainPairs.map((p) => p.source),
          { maxSize: data.sourceVocab, reserved: numberedUnknownTokens(data.numberedUnknowns) },
        );
    const limit = sequenceLimit(config) - 1;
    const encode = (pairs: Pair[]) =>
      seq2seqExamples(
        pairs.map((p) => ({
          source: sourceVocabulary.encode(p.source),
          target: codec.encode(p.target).subarray(0, limit),
        })),
      );
    return {
      ...common,
      sourceVocabulary,
      train: encode(trainPairs),
      valid: encode(validPairs),
      validText: rawValidPairs.map((p, i) => ({
        source: detokenize(p.source),
        reference: detokenize(p.target),
        sourceTokens: p.source,
        unknownWords: numbered?.valid[i]?.unknownWords ?? [],
      })),
    };
  }
  const windows = (lines: string[][], cap: number) => {
    const examples = languageModelExamples(languageModelStream(lines, codec), data.maxLength);
    return cap === 0 ? examples : examples.slice(0, cap);
  };
  const valid = windows(validLines!, data.validSentences);
  return {
    ...common,
    sourceVocabulary: null,
    train: windows(trainLines!, data.trainSentences),
    valid,
    validText: valid.map((example) => ({
      source: '',
      reference: detokenize(codec.decode(example.target)),
      sourceTokens: [],
      unknownWords: [],
    })),
  };
}

/**
 * Positions a model needs: <bos> … <eos> around the longest validation sentence, in target units —
 * BPE splits a word into about three subwords at most on average, so BPE targets get three times
 * the room (the rare longer target is cut to fit).
 */
export function sequenceLimit(config: ExperimentConfig): number {
  return validationLengthLimit(config) * (config.data.targetTokenization === 'bpe' ? 3 : 1) + 2;
}

/** Names the shipped datasets by task, for validating a configuration without reading files. */
