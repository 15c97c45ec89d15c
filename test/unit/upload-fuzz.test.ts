// A short property run on every parser (the long fuzzing campaign belongs to the reliability work):
// any bytes, split into any chunks, either parse into a well-formed value or fail with an
// UploadError, and the outcome is the same for a Blob and for a stream cut at any chunk size.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UploadError, parseAlignedPair, parseCorpus, parseParallelTsv, parseVec } from '../../src/data/upload';
import { chunked } from '../helpers/upload';

const maxBytes = 4096;
const runs = 150;

const encoder = new TextEncoder();

/** Bytes biased towards what the parsers branch on: separators, line ends, digits, signs, NUL, broken UTF-8. */
const interestingBytes = fc
  .array(
    fc.oneof(
      {
        weight: 30,
        arbitrary: fc
          .oneof(
            fc.constantFrom(' ', '\t', '\n', '\r\n', '\r', '0', '1', '9', '.', '-', '+', 'e', 'x', 'nan', 'inf', '2 3\n', 'é', '😀', '\uFEFF'),
            fc.string({ unit: 'grapheme', maxLength: 3 }),
          )
          .map((text) => encoder.encode(text)),
      },
      // Any single byte, most of them invalid UTF-8 when they stand alone; rare, or every input would be binary.
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }).map((byte) => Uint8Array.of(byte)) },
    ),
    { maxLength: 120 },
  )
  .map((parts) => concat(parts));

/** Rows of a word-vector file with a few words and values, so that the success paths get exercised too. */
const vecLikeBytes = fc
  .array(
    fc.tuple(
      fc.constantFrom('a', 'b', '.', '1990', 'é', '😀'),
      fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.constantFrom('1', '-0', 'x')), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.constantFrom('\n', '\r\n', ' \n', '\t\n'),
    ),
    { maxLength: 6 },
  )
  .map((rows) => encoder.encode(rows.map(([word, values, end]) => `${word} ${values.join(' ')}${end}`).join('')));

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}


type Outcome<T> = { value: T } | { problem: string; line: number | undefined; file: string };

/** Runs a parser; anything thrown that is not an UploadError fails the property. */
async function outcome<T>(parse: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { value: await parse() };
  } catch (error) {
    if (!(error instanceof UploadError)) throw error;
    expect(error.message.startsWith(error.file)).toBe(true);
    return { problem: error.problem, line: error.line, file: error.file };
  }
}

const chunkSize = fc.integer({ min: 1, max: 64 });

describe('upload parsers on arbitrary bytes', () => {
  it('parseVec returns consistent vectors or an UploadError, independent of chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(interestingBytes, vecLikeBytes), chunkSize, fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }), async (bytes, size, maxWords) => {
        const options = { file: 'f.vec', maxBytes, maxWords };
        const chunkedResult = await outcome(() => parseVec(chunked(bytes, size), options));
        expect(await outcome(() => parseVec(new Blob([bytes]), options))).toEqual(chunkedResult);
        if ('value' in chunkedResult) {
          const { words, dim, vectors } = chunkedResult.value;
          expect(new Set(words).size).toBe(words.length);
          expect(vectors).toHaveLength(words.length * dim);
          expect(vectors.every(Number.isFinite)).toBe(true);
        }
      }),
      { numRuns: runs },
    );
  });

  it('parseParallelTsv returns tab-free, non-empty pairs or an UploadError, independent of chunking', async () => {
    await fc.assert(
      fc.asyncProperty(interestingBytes, chunkSize, async (bytes, size) => {
        const options = { file: 'f.tsv', maxBytes };
        const chunkedResult = await outcome(() => parseParallelTsv(chunked(bytes, size), options));
        expect(await outcome(() => parseParallelTsv(new Blob([bytes]), options))).toEqual(chunkedResult);
        if ('value' in chunkedResult) {
          const { src, tgt } = chunkedResult.value;
          expect(src.length).toBe(tgt.length);
          for (const sentence of [...src, ...tgt]) expect(sentence !== '' && !sentence.includes('\t')).toBe(true);
        }
      }),
      { numRuns: runs },
    );
  });

  it('parseCorpus and parseAlignedPair return lines or an UploadError, independent of chunking', async () => {
    await fc.assert(
      fc.asyncProperty(interestingBytes, interestingBytes, chunkSize, async (first, second, size) => {
        const corpus = await outcome(() => parseCorpus(chunked(first, size), { file: 'c.txt', maxBytes }));
        expect(await outcome(() => parseCorpus(new Blob([first]), { file: 'c.txt', maxBytes }))).toEqual(corpus);
        if ('value' in corpus) for (const line of corpus.value) expect(line.includes('\n')).toBe(false);
        const options = { srcFile: 'a.txt', tgtFile: 'b.txt', maxBytes };
        const pair = await outcome(() => parseAlignedPair(chunked(first, size), chunked(second, size), options));
        expect(await outcome(() => parseAlignedPair(new Blob([first]), new Blob([second]), options))).toEqual(pair);
        if ('value' in pair) expect(pair.value.src.length).toBe(pair.value.tgt.length);
      }),
      { numRuns: runs },
    );
  });

  it('over the byte limit: a Blob fails by its size, a stream on the same line whatever its chunks', async () => {
    await fc.assert(
      fc.asyncProperty(interestingBytes, fc.integer({ min: 0, max: 64 }), chunkSize, async (bytes, limit, size) => {
        fc.pre(bytes.length > limit);
        const options = { file: 'c.txt', maxBytes: limit };
        const tooLarge = { problem: 'too-large', line: undefined, file: 'c.txt' };
        expect(await outcome(() => parseCorpus(new Blob([bytes]), options))).toEqual(tooLarge);
        const stream = await outcome(() => parseCorpus(chunked(bytes, size), options));
        expect(await outcome(() => parseCorpus(chunked(bytes, 1), options))).toEqual(stream);
        // Lines within the limit are read first, so a problem there may come before the size.
        if (!('line' in stream && stream.line !== undefined)) expect(stream).toEqual(tooLarge);
      }),
      { numRuns: runs },
    );
  });
});
