// Typed loaders for the shipped datasets (public/data/, described by manifest.json). Every file is
// checked against the manifest's SHA-256 before it is used, so a stale cache or a half-written
// file fails loudly with the file's name instead of training on the wrong text.
import { gunzipSync } from 'fflate';
import type { ReadAsset } from './assets';
import { decodeFloat16 } from './float16';
import { sha256Hex, splits, type Manifest, type Split } from './manifest';

export interface ParallelText {
  /** Verse keys such as "Ruth 1:1", one per pair. */
  refs: string[];
  src: string[];
  tgt: string[];
}

export interface GloveVectors {
  words: string[];
  dim: 100;
  /** words.length × dim, row-major, each row scaled to unit length. */
  vectors: Float32Array;
}

const manifests = new WeakMap<ReadAsset, Promise<Manifest>>();

/** The manifest, read once per reader. */
export function loadManifest(read: ReadAsset): Promise<Manifest> {
  let manifest = manifests.get(read);
  if (!manifest) {
    manifest = readManifest(read);
    manifests.set(read, manifest);
    // A failed read is not cached, so a retry after a network error can succeed.
    manifest.catch(() => manifests.delete(read));
  }
  return manifest;
}

async function readManifest(read: ReadAsset): Promise<Manifest> {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(await read('manifest.json'));
  const manifest = JSON.parse(text) as Manifest;
  if (manifest.version !== 1) throw new Error(`Unsupported data manifest version ${String(manifest.version)}`);
  return manifest;
}

/**
 * A shipped file's content after checking it against the manifest, un-gzipped when the name ends in
 * .gz. A .gz file may arrive already decompressed (a server that sends it with Content-Encoding:
 * gzip), so the check follows what arrived: the shipped hash for gzip bytes, the content hash else.
 */
async function readVerified(read: ReadAsset, path: string): Promise<Uint8Array> {
  const manifest = await loadManifest(read);
  const entry = manifest.files[path];
  if (!entry) throw new Error(`Data file '${path}' is not listed in manifest.json`);
  const bytes = await read(path);
  const gzipped = path.endsWith('.gz') && bytes[0] === 0x1f && bytes[1] === 0x8b;
  const expected = gzipped || !path.endsWith('.gz') ? entry.sha256 : entry.contentSha256;
  const actual = await sha256Hex(bytes);
  if (actual !== expected) {
    throw new Error(
      `Data file '${path}' is corrupt or out of date: SHA-256 ${actual} (${bytes.length} bytes ${gzipped ? 'gzipped' : 'as received'}), ` +
        `manifest expects ${expected}. Re-run scripts/prepare-data or reload without cache.`,
    );
  }
  return gzipped ? gunzipSync(bytes) : bytes;
}

async function readVerifiedLines(read: ReadAsset, path: string): Promise<string[]> {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(await readVerified(read, path));
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function checkSplit(split: string): asserts split is Split {
  if (!(splits as readonly string[]).includes(split))
    throw new Error(`Unknown split '${split}': use ${splits.join(', ')}`);
}

function pick<T>(table: Record<string, T>, name: string, kind: string): T {
  const entry = table[name];
  if (!entry) throw new Error(`Unknown ${kind} '${name}': shipped ones are ${Object.keys(table).join(', ')}`);
  return entry;
}

/** One split of a translation task: aligned source and target sentences. */
export async function loadParallel(read: ReadAsset, name: string, split: Split): Promise<ParallelText> {
  checkSplit(split);
  const dataset = pick((await loadManifest(read)).parallel, name, 'translation task');
  const file = dataset.splits[split].file;
  const result: ParallelText = { refs: [], src: [], tgt: [] };
  for (const [index, line] of (await readVerifiedLines(read, file)).entries()) {
    const fields = line.split('\t');
    if (fields.length !== 3) throw new Error(`${file} line ${index + 1}: expected ref<TAB>source<TAB>target`);
    result.refs.push(fields[0]);
    result.src.push(fields[1]);
    result.tgt.push(fields[2]);
  }
  return result;
}

/** One split of a language-modelling corpus, one document or paragraph per line. */
export async function loadCorpus(read: ReadAsset, name: string, split: Split): Promise<string[]> {
  checkSplit(split);
  const dataset = pick((await loadManifest(read)).corpora, name, 'corpus');
  return readVerifiedLines(read, dataset.splits[split].file);
}

/** The shipped GloVe 6B 100-d slice, rows normalised to unit length. */
export async function loadGlove(read: ReadAsset): Promise<GloveVectors> {
  const { glove } = await loadManifest(read);
  const [words, halves] = await Promise.all([
    readVerifiedLines(read, glove.vocabFile),
    readVerified(read, glove.vectorsFile),
  ]);
  const vectors = decodeFloat16(halves);
  if (vectors.length !== words.length * glove.dim) {
    throw new Error(
      `${glove.vectorsFile} holds ${vectors.length} values, expected ${words.length} words × ${glove.dim}`,
    );
  }
  normaliseRows(vectors, glove.dim);
  return { words, dim: glove.dim, vectors };
}

/** Scales every row of a row-major table to unit length in place; zero rows stay zero. */
export function normaliseRows(vectors: Float32Array, dim: number): void {
  for (let start = 0; start < vectors.length; start += dim) {
    let sumSquares = 0;
    for (let j = start; j < start + dim; j++) sumSquares += vectors[j] * vectors[j];
    const scale = sumSquares > 0 ? 1 / Math.sqrt(sumSquares) : 0;
    for (let j = start; j < start + dim; j++) vectors[j] *= scale;
  }
}
