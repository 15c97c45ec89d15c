// The target table of a task's continuous heads, end to end: the target side's training text,
// its vocabulary, in-app PPMI-SVD vectors, and GloVe where it has the word (English targets) with
// the rest mapped in by Procrustes — so every vocabulary word has a unit vector.
import type { ReadAsset } from '../data/assets';
import { loadCorpus, loadGlove, loadManifest, loadParallel } from '../data/datasets';
import { tokenizeWords } from '../data/tokenize';
import { Vocabulary } from '../data/vocabulary';
import { fillMissingVectors, type FilledTable, type PretrainedVectors } from './fillMissing';
import { buildInAppEmbeddings, type InAppEmbeddings, type SvdEmbeddingOptions } from './ppmiSvd';

export interface TargetEmbeddingOptions extends SvdEmbeddingOptions {
  /** Vocabulary cap including the four special tokens (default 10,000). */
  vocabSize?: number;
  /** Tokens the vocabulary holds whatever their counts (see VocabularyOptions.reserved). */
  reserved?: readonly string[];
  /** Shipped vectors to prefer where they have the word; omit for in-app vectors only. */
  pretrained?: PretrainedVectors;
}

export interface TargetEmbeddings {
  vocabulary: Vocabulary;
  inApp: InAppEmbeddings;
  table: FilledTable;
}

/** Tokenised target-side training sentences of a shipped dataset (parallel: its targets; corpus: its lines). */
export async function loadTargetSentences(read: ReadAsset, dataset: string): Promise<string[][]> {
  const manifest = await loadManifest(read);
  if (dataset in manifest.parallel)
    return (await loadParallel(read, dataset, 'train')).tgt.map((line) => tokenizeWords(line));
  if (dataset in manifest.corpora) return (await loadCorpus(read, dataset, 'train')).map((line) => tokenizeWords(line));
  throw new Error(
    `No shipped dataset named '${dataset}'. Available: ${[...Object.keys(manifest.parallel), ...Object.keys(manifest.corpora)].join(', ')}`,
  );
}

/** The shipped GloVe slice in the shape fillMissingVectors takes. */
export async function loadPretrainedGlove(read: ReadAsset): Promise<PretrainedVectors> {
  const glove = await loadGlove(read);
  return { words: glove.words, vectors: glove.vectors, dimension: glove.dim };
}

export async function buildTargetEmbeddings(
  sentences: readonly string[][],
  options: TargetEmbeddingOptions = {},
): Promise<TargetEmbeddings> {
  const vocabulary = Vocabulary.fromSentences(sentences, {
    maxSize: options.vocabSize ?? 10_000,
    reserved: options.reserved ?? [],
  });
  const inApp = await buildInAppEmbeddings(
    sentences.map((s) => vocabulary.encode(s)),
    vocabulary.size,
    options,
  );
  const table = fillMissingVectors(
    vocabulary.tokens,
    inApp,
    options.pretrained,
    options.seed === undefined ? {} : { seed: options.seed },
  );
  return { vocabulary, inApp, table };
}
