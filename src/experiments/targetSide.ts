// The target side of a task: its vocabulary (or BPE codec) and the frozen table of the continuous
// heads, from pretrained vectors, random rows (methods.md "Random target embeddings"), or a mix.
import type { ReadAsset } from '../data/assets';
import { normaliseRows } from '../data/datasets';
import { numberedUnknownTokens } from '../data/numberedUnknowns';
import { Vocabulary, specialIds } from '../data/vocabulary';
import type { PretrainedVectors } from '../embeddings/fillMissing';
import { mixTables, randomTable } from '../embeddings/randomTargets';
import { buildTargetEmbeddings, loadPretrainedGlove } from '../embeddings/targetEmbeddings';
import { buildTargetTable } from '../heads/targetTable';
import type { Engine } from '../tensor/engine';
import { inAppDimensions, isRandomSource, type ExperimentConfig } from './config';
import { bpeCodec, wordCodec, type TargetCodec } from './targetCodec';
import { isSyntheticDataset, randomUnitTable } from './synthetic';
import type { UploadedData } from './uploads';

interface TargetSide {
  codec: TargetCodec;
  /** Unit rows [V, tableDimension]; empty for BPE targets. */
  targetTable: Float32Array;
  tableDimension: number;
  /** Share of words whose row holds a pretrained vector (wholly, or mixed in with α > 0). */
  pretrainedShare: number;
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

/**
 * The vectors the table prefers where they have the word: shipped GloVe, the user's (rows normalised as GloVe's are),
 * or none.
 */
async function pretrainedVectors(
  read: ReadAsset,
  config: ExperimentConfig,
  uploads: UploadedData | undefined,
): Promise<PretrainedVectors | undefined> {
  const { source } = config.embeddings;
  if (source === 'glove') return loadPretrainedGlove(read);
  if (source === 'in-app') return undefined;
  const uploaded = uploads?.vectors;
  if (!uploaded)
    throw new Error('embeddings.source is "uploaded" but no word vectors are uploaded: upload the .vec file again');
  // A copy: the caller's upload stays as read, and the UNK row (a mean of rows) needs unit rows.
  const vectors = uploaded.vectors.slice();
  normaliseRows(vectors, uploaded.dimension);
  return { words: uploaded.words, vectors, dimension: uploaded.dimension };
}

/** The target vocabulary and the table of a pretrained source: pretrained and/or in-app PPMI-SVD vectors. */
async function pretrainedTargetSide(
  read: ReadAsset,
  config: ExperimentConfig,
  sentences: string[][],
  engine: Engine | undefined,
  uploads: UploadedData | undefined,
): Promise<TargetSide> {
  const { data, embeddings: settings } = config;
  const pretrained = await pretrainedVectors(read, config, uploads);
  const built = await buildTargetEmbeddings(sentences, {
    vocabSize: data.targetVocab,
    reserved: numberedUnknownTokens(data.numberedUnknowns),
    // Uploaded vectors may be up to 1024-d; in-app vectors beyond the in-app limit would only make
    // the SVD slower, since the Procrustes map carries them into the wider space either way.
    dimension: Math.min(settings.dimension, inAppDimensions.max, data.targetVocab - 1),
    ...(pretrained ? { pretrained } : {}),
    ...(engine ? { engine } : {}),
  });
  const { vocabulary, table: filled } = built;
  const m = filled.dimension;
  const row = (id: number) => filled.vectors.subarray(id * m, (id + 1) * m);
  // UNK: the mean of the shipped vectors of words outside the vocabulary, as the reference code
  // does; without shipped vectors, the in-app vector learnt for <unk> itself.
  const unkSource = [pretrained ? meanOfRowsOutside(pretrained, vocabulary) : row(specialIds.unk)];
  const targetTable = buildTargetTable(vocabulary.size, m, row, specialIds, unkSource);
  const pretrainedShare = filled.source.reduce((n, s) => n + (s === 0 ? 1 : 0), 0) / vocabulary.size;
  return { codec: wordCodec(vocabulary), targetTable, tableDimension: m, pretrainedShare };
}

/**
 * Random rows as a target table, with the reference code's special rows (PAD and BOS zero, EOS
 * 1/√m); every other word, <unk> included, keeps a row of its own, so coverage is full.
 */
function withSpecialRows(rows: Float32Array, vocab: number, m: number): Float32Array {
  const row = (id: number) => rows.subarray(id * m, (id + 1) * m);
  return buildTargetTable(vocab, m, row, specialIds, [row(specialIds.unk)]);
}

/**
 * The target side of `config`. A random source draws its rows from train.initSeed and needs no
 * vectors; a pretrained source with embeddings.pretrainedWeight α < 1 mixes its finished table, row
 * by row, with the random-sphere table of the same seed — so a word missing from the pretrained
 * vectors mixes the row the pretrained table gives it (mapped in-app, or seeded), and α = 0 is the
 * random-sphere table exactly.
 */
export async function targetSide(
  read: ReadAsset,
  config: ExperimentConfig,
  sentences: string[][],
  engine: Engine | undefined,
  uploads: UploadedData | undefined,
): Promise<TargetSide> {
  const { data, embeddings: settings, train } = config;
  if (data.targetTokenization === 'bpe') {
    // Softmax heads only (the schema enforces it): no embedding table.
    const codec = bpeCodec(sentences, data.bpeMerges);
    return { codec, targetTable: new Float32Array(0), tableDimension: 0, pretrainedShare: 0 };
  }
  // A synthetic task's symbols have no pretrained vectors: its table is random whatever the source
  // (from the data seed, unless a random source asks for its own draw), and α has nothing to mix.
  if (isSyntheticDataset(config.dataset) || isRandomSource(settings.source)) {
    const vocabulary = Vocabulary.fromSentences(sentences, {
      maxSize: data.targetVocab,
      reserved: numberedUnknownTokens(data.numberedUnknowns),
    });
    const m = settings.dimension;
    const rows = isRandomSource(settings.source)
      ? randomTable(settings.source, vocabulary.size, m, train.initSeed)
      : randomUnitTable(vocabulary.size, m, train.dataSeed);
    return {
      codec: wordCodec(vocabulary),
      targetTable: withSpecialRows(rows, vocabulary.size, m),
      tableDimension: m,
      pretrainedShare: 0,
    };
  }
  const pretrained = await pretrainedTargetSide(read, config, sentences, engine, uploads);
  const alpha = settings.pretrainedWeight;
  if (alpha === 1) return pretrained;
  const m = pretrained.tableDimension;
  const vocab = pretrained.codec.vocabulary.size;
  const random = withSpecialRows(randomTable('random-sphere', vocab, m, train.initSeed), vocab, m);
  return {
    ...pretrained,
    targetTable: mixTables(pretrained.targetTable, random, m, alpha),
    pretrainedShare: alpha > 0 ? pretrained.pretrainedShare : 0,
  };
}
