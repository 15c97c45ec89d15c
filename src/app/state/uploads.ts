// The user's own files: parsed on the page with the streaming parsers (which yield to the event loop,
// so a large file never freezes it), kept as UploadedData, and described per input by one message —
// what was read, or the parser's own account of what is wrong and where.
import { create } from 'zustand';
import { UploadError, parseAlignedPair, parseCorpus, parseParallelTsv, parseVec } from '../../data/upload';
import { uploadedDimensions, type DatasetCatalog } from '../../experiments/config';
import {
  catalogWith,
  noUploads,
  uploadName,
  uploadSplit,
  type UploadedData,
  type UploadedDataset,
} from '../../experiments/uploads';

/** The panel's inputs; each shows the message of its latest file. */
export type UploadSlot = 'tsv' | 'aligned' | 'corpus' | 'vectors';

export interface UploadMessage {
  state: 'reading' | 'done' | 'failed';
  text: string;
}

/** Text files are held whole in memory (and copied to the worker), which bounds what is sensible. */
const maxTextBytes = 200 * 1024 * 1024;
const maxVectorBytes = 1024 * 1024 * 1024;
/** No vocabulary goes beyond data.targetVocab's limit, so words past it would never be used. */
const maxWords = 200_000;

interface UploadsState {
  data: UploadedData;
  /** Shipped datasets plus the uploaded ones, for validating settings. */
  catalog: DatasetCatalog;
  messages: Partial<Record<UploadSlot, UploadMessage>>;
  uploadTsv(file: File): Promise<void>;
  uploadAligned(source: File, target: File): Promise<void>;
  uploadCorpus(file: File): Promise<void>;
  uploadVectors(file: File): Promise<void>;
}

const count = (n: number) => n.toLocaleString('en');

function describeSplit(dataset: UploadedDataset, unit: string): string {
  const all = dataset.kind === 'parallel' ? dataset.src : dataset.lines;
  const valid = uploadSplit(all, 'valid').length;
  return `${count(all.length)} ${unit} (${count(all.length - valid)} for training, the last ${count(valid)} for validation)`;
}

export const useUploadsStore = create<UploadsState>()((set, get) => {
  /** Per slot, the newest read: an older file that finishes later must not overwrite its result. */
  const latest: Partial<Record<UploadSlot, number>> = {};
  let reads = 0;

  /** Runs one parse for `slot`; `parse` returns the new data and the success message, or throws the parser's error. */
  async function read(
    slot: UploadSlot,
    label: string,
    parse: (data: UploadedData) => Promise<{ data: UploadedData; text: string }>,
  ): Promise<void> {
    const ticket = ++reads;
    latest[slot] = ticket;
    set({ messages: { ...get().messages, [slot]: { state: 'reading', text: `Reading ${label}…` } } });
    let outcome: { data?: UploadedData; message: UploadMessage };
    try {
      const { data, text } = await parse(get().data);
      outcome = { data, message: { state: 'done', text } };
    } catch (error) {
      // An UploadError already names the file and line; other problems (the vectors' size) get the name added.
      const text =
        error instanceof UploadError
          ? error.message
          : `${label}: ${error instanceof Error ? error.message : String(error)}`;
      outcome = { message: { state: 'failed', text } };
    }
    if (latest[slot] !== ticket) return;
    const messages = { ...get().messages, [slot]: outcome.message };
    set(outcome.data ? { data: outcome.data, catalog: catalogWith(outcome.data), messages } : { messages });
  }

  const withDataset = (data: UploadedData, name: string, dataset: UploadedDataset, unit: string) => ({
    data: { ...data, datasets: { ...data.datasets, [name]: dataset } },
    text: `${name}: ${describeSplit(dataset, unit)}`,
  });

  return {
    data: noUploads,
    catalog: catalogWith(noUploads),
    messages: {},

    uploadTsv: (file) =>
      read('tsv', file.name, async (data) => {
        const { src, tgt } = await parseParallelTsv(file, { file: file.name, maxBytes: maxTextBytes });
        return withDataset(data, uploadName(file.name), { kind: 'parallel', src, tgt }, 'sentence pairs');
      }),

    uploadAligned: (source, target) =>
      read('aligned', `${source.name} and ${target.name}`, async (data) => {
        const { src, tgt } = await parseAlignedPair(source, target, {
          srcFile: source.name,
          tgtFile: target.name,
          maxBytes: maxTextBytes,
        });
        return withDataset(
          data,
          uploadName(`${source.name}+${target.name}`),
          { kind: 'parallel', src, tgt },
          'sentence pairs',
        );
      }),

    uploadCorpus: (file) =>
      read('corpus', file.name, async (data) => {
        const lines = await parseCorpus(file, { file: file.name, maxBytes: maxTextBytes });
        return withDataset(data, uploadName(file.name), { kind: 'corpus', lines }, 'lines');
      }),

    uploadVectors: (file) =>
      read('vectors', file.name, async (data) => {
        const parsed = await parseVec(file, { file: file.name, maxBytes: maxVectorBytes, maxWords });
        const { min, max } = uploadedDimensions;
        if (parsed.dim < min || parsed.dim > max) {
          throw new Error(
            `the vectors are ${parsed.dim}-dimensional; target embeddings must have ${min} to ${max} dimensions`,
          );
        }
        const kept = parsed.truncated
          ? ` (the first ${count(maxWords)}; the rest are rarer than any vocabulary reaches)`
          : '';
        return {
          data: {
            ...data,
            vectors: { name: file.name, words: parsed.words, vectors: parsed.vectors, dimension: parsed.dim },
          },
          text: `${file.name}: ${count(parsed.words.length)} words${kept}, ${parsed.dim}-dimensional; choose "uploaded" under Target embeddings`,
        };
      }),
  };
});
