// Batches for teacher-forced training, the same for translation and language models.
// Shape legend: B examples in a batch, S source (encoder) length, T decoder length, both the
// longest in the batch; shorter rows are padded with <pad> (0) and their targets with −1, which
// the loss kernels skip.
//
// Shuffling draws only from mulberry32(dataSeed): the batches never depend on the initialisation
// seed, and the same data seed gives the same batches in the browser and in Node (integer
// arithmetic and a stable sort only).
import { mulberry32 } from '../math/random';
import { specialIds } from './vocabulary';

/** Target id of padded positions: the loss ignores it. */
export const ignoredTarget = -1;

/** One training example: the decoder reads `input[t]` and should predict `target[t]`. */
export interface Example {
  /** Encoder input, or null for a decoder-only language model. */
  source: Int32Array | null;
  input: Int32Array;
  target: Int32Array;
}

export interface Batch {
  /** B */
  size: number;
  /** S: 0 without an encoder. */
  sourceLength: number;
  /** T */
  length: number;
  /** [B, S] encoder ids padded with 0, or null without an encoder. */
  source: Int32Array | null;
  /** [B] real source lengths, or null without an encoder. */
  sourceLengths: Int32Array | null;
  /** [B, T] decoder input ids padded with 0. */
  input: Int32Array;
  /** [B, T] ids to predict, padded with −1. */
  target: Int32Array;
  /** [B] real decoder lengths. */
  lengths: Int32Array;
  /** [B] index of each row's example in the list given to the batcher. */
  examples: Int32Array;
}

/** Translation pairs: decoder input = <bos> + target, decoder target = target + <eos>. */
export function seq2seqExamples(pairs: Iterable<{ source: Int32Array; target: Int32Array }>): Example[] {
  const examples: Example[] = [];
  for (const { source, target } of pairs) {
    const input = new Int32Array(target.length + 1);
    input[0] = specialIds.bos;
    input.set(target, 1);
    const shifted = new Int32Array(target.length + 1);
    shifted.set(target);
    shifted[target.length] = specialIds.eos;
    examples.push({ source, input, target: shifted });
  }
  return examples;
}

/**
 * A contiguous token stream cut into windows of `windowLength` positions: window k reads
 * tokens [kT, kT + T) and predicts [kT + 1, kT + T + 1). The last window may be shorter. The
 * windows are views into `stream`, not copies.
 */
export function languageModelExamples(stream: Int32Array, windowLength: number): Example[] {
  if (!Number.isInteger(windowLength) || windowLength < 1)
    throw new Error(`The window length must be a positive integer, got ${windowLength}`);
  const examples: Example[] = [];
  for (let start = 0; start + 1 < stream.length; start += windowLength) {
    const end = Math.min(start + windowLength, stream.length - 1);
    examples.push({ source: null, input: stream.subarray(start, end), target: stream.subarray(start + 1, end + 1) });
  }
  return examples;
}

/** A fixed number of examples per batch, or a budget of padded slots B · (S + T) per batch. */
export type BatchSize = { sentences: number } | { tokens: number };

export interface BatchingOptions {
  size: BatchSize;
  /** Sort by length within shuffled chunks so rows of a batch have similar lengths (default true). */
  bucketing?: boolean;
  /** Chunk size, in batches' worth of examples: larger pads less, smaller keeps more randomness (default 64). */
  chunkBatches?: number;
}

const sourceLengthOf = (example: Example) => example.source?.length ?? 0;
const slotsPerRow = (example: Example) => sourceLengthOf(example) + example.input.length;

/** Groups example indices, in the given order, into batches that respect the size. */
function groupIntoBatches(order: readonly number[], examples: readonly Example[], size: BatchSize): number[][] {
  const groups: number[][] = [];
  let group: number[] = [];
  let longestSource = 0;
  let longestInput = 0;
  for (const index of order) {
    const example = examples[index]!;
    const sourceWith = Math.max(longestSource, sourceLengthOf(example));
    const inputWith = Math.max(longestInput, example.input.length);
    const fits =
      'sentences' in size
        ? group.length < size.sentences
        : (group.length + 1) * (sourceWith + inputWith) <= size.tokens;
    if (fits || group.length === 0) {
      group.push(index);
      [longestSource, longestInput] = [sourceWith, inputWith];
    } else {
      groups.push(group);
      group = [index];
      [longestSource, longestInput] = [sourceLengthOf(example), example.input.length];
    }
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Shortest first by source + decoder length, then by decoder length; stable, so ties keep their order. */
function sortByLength(indices: number[], examples: readonly Example[]): number[] {
  return indices.sort(
    (a, b) =>
      slotsPerRow(examples[a]!) - slotsPerRow(examples[b]!) || examples[a]!.input.length - examples[b]!.input.length,
  );
}

function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function validateSize(size: BatchSize): void {
  const value = 'sentences' in size ? size.sentences : size.tokens;
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`A batch size must be a positive integer, got ${JSON.stringify(size)}`);
}

/** Pads the examples of one group into a batch. */
export function buildBatch(examples: readonly Example[], group: readonly number[]): Batch {
  const rows = group.map((i) => examples[i]!);
  const hasSource = rows.some((row) => row.source !== null);
  const size = rows.length;
  const sourceLength = hasSource ? Math.max(0, ...rows.map(sourceLengthOf)) : 0;
  const length = Math.max(0, ...rows.map((row) => row.input.length));
  const source = hasSource ? new Int32Array(size * sourceLength).fill(specialIds.pad) : null;
  const input = new Int32Array(size * length).fill(specialIds.pad);
  const target = new Int32Array(size * length).fill(ignoredTarget);
  rows.forEach((row, b) => {
    if (source && row.source) source.set(row.source, b * sourceLength);
    input.set(row.input, b * length);
    target.set(row.target, b * length);
  });
  return {
    size,
    sourceLength,
    length,
    source,
    sourceLengths: hasSource ? Int32Array.from(rows, sourceLengthOf) : null,
    input,
    target,
    lengths: Int32Array.from(rows, (row) => row.input.length),
    examples: Int32Array.from(group),
  };
}

/** The batches of one epoch, padded on demand while iterating. */
export interface EpochBatches extends Iterable<Batch> {
  /** 1 for the first epoch drawn from the data seed. */
  readonly epoch: number;
  readonly count: number;
}

/**
 * Training batches, epoch after epoch. Each epoch shuffles the examples, cuts them into chunks,
 * sorts each chunk by length, forms batches, and shuffles the batches: padding stays small while
 * the order stays random. Epoch k is always the k-th draw from mulberry32(dataSeed).
 */
export class Batcher {
  private readonly random: () => number;
  private epochsDrawn = 0;

  constructor(
    readonly examples: readonly Example[],
    readonly dataSeed: number,
    readonly options: BatchingOptions,
  ) {
    validateSize(options.size);
    this.random = mulberry32(dataSeed);
  }

  /** Plans the next epoch now (drawing from the random stream) and returns its batches. */
  nextEpoch(): EpochBatches {
    const { size, bucketing = true, chunkBatches = 64 } = this.options;
    const order = shuffleInPlace(
      Array.from(this.examples, (_, i) => i),
      this.random,
    );
    let groups: number[][];
    if (bucketing) {
      const chunk = Math.max(1, chunkBatches * this.examplesPerBatch());
      groups = [];
      for (let start = 0; start < order.length; start += chunk) {
        groups.push(
          ...groupIntoBatches(sortByLength(order.slice(start, start + chunk), this.examples), this.examples, size),
        );
      }
      shuffleInPlace(groups, this.random);
    } else {
      groups = groupIntoBatches(order, this.examples, size);
    }
    const examples = this.examples;
    return {
      epoch: ++this.epochsDrawn,
      count: groups.length,
      *[Symbol.iterator]() {
        for (const group of groups) yield buildBatch(examples, group);
      },
    };
  }

  private examplesPerBatch(): number {
    const { size } = this.options;
    if ('sentences' in size) return size.sentences;
    const meanSlots =
      this.examples.reduce((sum, example) => sum + slotsPerRow(example), 0) / Math.max(1, this.examples.length);
    return Math.max(1, Math.floor(size.tokens / Math.max(1, meanSlots)));
  }
}

/** Evaluation batches: no shuffling, sorted by length over the whole set for the least padding. */
export function evaluationBatches(examples: readonly Example[], size: BatchSize): Batch[] {
  validateSize(size);
  const order = sortByLength(
    Array.from(examples, (_, i) => i),
    examples,
  );
  return groupIntoBatches(order, examples, size).map((group) => buildBatch(examples, group));
}

/** Real tokens / padded slots over both the source and the decoder side (1 = no padding). */
export function paddingEfficiency(batches: Iterable<Batch>): number {
  let real = 0;
  let slots = 0;
  for (const batch of batches) {
    for (const length of batch.lengths) real += length;
    for (const length of batch.sourceLengths ?? []) real += length;
    slots += batch.size * (batch.sourceLength + batch.length);
  }
  return slots === 0 ? 1 : real / slots;
}
