// The shape of public/data/manifest.json, written by scripts/prepare-data and read by the app, the
// CLI and the tests. Every shipped file is listed once under `files` with its checksum; datasets
// refer to files by path.

export type Split = 'train' | 'valid' | 'test';
export const splits: readonly Split[] = ['train', 'valid', 'test'];

export interface FileEntry {
  /** Lower-case hex SHA-256 of the bytes as shipped (compressed). */
  sha256: string;
  /**
   * SHA-256 of the content after gunzip. Some servers (Vite's among them) send a .gz file with
   * `Content-Encoding: gzip`, so the browser hands the page the decompressed bytes.
   */
  contentSha256: string;
  bytes: number;
}

export interface Provenance {
  /** Where the text comes from: package names and versions. */
  source: string;
  licence: string;
}

/** Share of the target side's word tokens, and of its distinct word types, that have a GloVe vector. */
export interface Coverage {
  tokens: number;
  types: number;
  tokenCount: number;
  typeCount: number;
}

export interface ParallelSplit {
  file: string;
  pairs: number;
  sourceWords: number;
  targetWords: number;
}

export interface ParallelDataset extends Provenance {
  title: string;
  sourceLanguage: string;
  targetLanguage: string;
  /** Books in each split; every other book of the aligned canon is in train. */
  heldOutBooks: { valid: string[]; test: string[] };
  /** Verse keys present in only one of the two texts, dropped. */
  unalignedKeys: string[];
  /** Train/valid pairs dropped because their source or target text also occurs in a later split. */
  droppedDuplicates: number;
  splits: Record<Split, ParallelSplit>;
  targetCoverage: Coverage;
}

export interface CorpusSplit {
  file: string;
  /** Documents (speeches, Brown samples, chapters) in the split. */
  documents: number;
  lines: number;
  words: number;
}

export interface CorpusDataset extends Provenance {
  title: string;
  language: string;
  /** What one line of the files holds. */
  lineUnit: string;
  splits: Record<Split, CorpusSplit>;
  targetCoverage: Coverage;
}

export interface GloveEntry extends Provenance {
  vocabFile: string;
  vectorsFile: string;
  words: number;
  dim: 100;
  /** Which words were kept from the full GloVe vocabulary. */
  selection: string;
}

export interface Manifest {
  version: 1;
  files: Record<string, FileEntry>;
  parallel: Record<string, ParallelDataset>;
  corpora: Record<string, CorpusDataset>;
  glove: GloveEntry;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // WebCrypto accepts only ArrayBuffer-backed views; the type of a read asset also allows shared memory, which gets
  // copied.
  const owned = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', owned));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
