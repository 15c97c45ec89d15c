// The researcher's own files, once parsed on the page: parallel text, corpora and word vectors. They
// travel to the training worker inside the start command (a structured clone), so the worker never
// reads them from anywhere; a shared link cannot carry them, only their `upload:` names.
import { shippedDatasets, type DatasetCatalog, type ExperimentConfig } from './config';

export type UploadedDataset = { kind: 'parallel'; src: string[]; tgt: string[] } | { kind: 'corpus'; lines: string[] };

export interface UploadedVectors {
  /** The file they came from, for messages. */
  name: string;
  words: string[];
  /** Row-major, words.length × dimension, as uploaded (not normalised). */
  vectors: Float32Array;
  dimension: number;
}

export interface UploadedData {
  /** By dataset name, always `upload:<file name>`. */
  datasets: Record<string, UploadedDataset>;
  vectors?: UploadedVectors;
}

export const noUploads: UploadedData = { datasets: {} };

/** The prefix keeps an upload from ever shadowing a shipped dataset of the same file name. */
const uploadPrefix = 'upload:';

export function uploadName(file: string): string {
  return `${uploadPrefix}${file}`;
}

export function isUploadName(dataset: string): boolean {
  return dataset.startsWith(uploadPrefix);
}

/** Sentences held out for validation: the last 5 %, at least 1 and at most 500. */
export function validationCount(total: number): number {
  return Math.min(500, Math.max(1, Math.round(total * 0.05)));
}

/**
 * One split of an uploaded dataset's sentences. The last lines are validation, so the split is the
 * same on every run and on every page that uploads the same file.
 */
export function uploadSplit<T>(items: readonly T[], split: 'train' | 'valid'): T[] {
  const cut = Math.max(0, items.length - validationCount(items.length));
  return split === 'train' ? items.slice(0, cut) : items.slice(cut);
}

/** The shipped catalogue plus the uploads, for validating configurations that may name them. */
export function catalogWith(uploads: UploadedData, shipped: DatasetCatalog = shippedDatasets): DatasetCatalog {
  const named = (kind: UploadedDataset['kind']) =>
    Object.keys(uploads.datasets).filter((name) => uploads.datasets[name]!.kind === kind);
  return {
    parallel: [...shipped.parallel, ...named('parallel')],
    corpora: [...shipped.corpora, ...named('corpus')],
    ...(uploads.vectors ? { vectorDimension: uploads.vectors.dimension } : {}),
  };
}

/**
 * Only what these runs read, so starting a comparison never copies unrelated (possibly large) uploads to the worker.
 */
export function uploadsUsedBy(uploads: UploadedData, configs: readonly ExperimentConfig[]): UploadedData {
  const used = new Set(configs.map((config) => config.dataset));
  const datasets = Object.fromEntries(Object.entries(uploads.datasets).filter(([name]) => used.has(name)));
  const needsVectors = configs.some((config) => config.embeddings.source === 'uploaded');
  return uploads.vectors && needsVectors ? { datasets, vectors: uploads.vectors } : { datasets };
}
