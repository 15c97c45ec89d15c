// Fuzzing of everything Continuum reads from outside — share links, uploaded files, imported run
// files — with fast-check, 10,000 cases per target. Each target returns a valid value or its typed
// error with a message, and nothing else: no other exception, no hang (asynchronous cases fail past
// a per-case time limit), no allocation beyond what the input justifies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importRunFile } from '../../src/app/history/files';
import { bottleneckPreset, decodeBottleneck, encodeBottleneck } from '../../src/app/share/bottleneckUrl';
import { decodeExperiment } from '../../src/app/share/url';
import { UploadError, parseAlignedPair, parseCorpus, parseParallelTsv, parseVec } from '../../src/data/upload';
import { parseBottleneckConfig } from '../../src/experiments/bottleneck';
import { parseConfig } from '../../src/experiments/config';
import { applyOverrides } from '../../src/experiments/overrides';
import { presets } from '../../src/experiments/presets';
import { comparisonRecordSchema, toJson } from '../../src/train/record';
import { fullComparison } from '../helpers/runRecord';
import { chunked } from '../helpers/upload';

const numRuns = 10_000;
/** For one asynchronous case: each parses at most a few kilobytes, well under a millisecond. */
const timeout = 2_000;

const encoder = new TextEncoder();

/** A query string: known keys (and any string) with values that look like settings, JSON, numbers, markup or noise. */
function queryString(keys: readonly string[]): fc.Arbitrary<string> {
  const value = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.constantFrom(
      '0',
      '1',
      '-3',
      '1e308',
      '-1e999',
      'NaN',
      '99999999999999999999999',
      'null',
      '{}',
      '[]',
      '{"kind":"vmf"}',
      'tiny-demo',
      'lm-sotu',
      'language-model',
      '[{"head":{"kind":"l2"}}]',
      '<img src=x onerror=alert(1)>',
    ),
    fc.json(),
    fc.double().map(String),
    fc.array(fc.integer({ min: -5, max: 5000 })).map((a) => JSON.stringify(a)),
  );
  const pair = fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.string({ unit: 'binary' })), value);
  return fc.oneof(
    fc.array(pair, { maxLength: 8 }).map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
    fc.array(pair, { maxLength: 12 }).map((pairs) => `?${new URLSearchParams(pairs).toString()}`),
    fc.string({ unit: 'binary' }),
  );
}

describe('share links', () => {
  it('decodeExperiment returns a valid experiment and plain-text warnings for any query string', () => {
    const keys = [
      'v',
      'preset',
      'runs',
      'run',
      '__proto__',
      'constructor',
      'prototype',
      'train.steps',
      'model.heads',
      'model.dModel',
      'head',
      'head.kind',
      'task',
      'dataset',
      'train.__proto__.x',
      'steps',
      'seed',
      'embeddings.dimension',
    ];
    fc.assert(
      fc.property(queryString(keys), (text) => {
        const { state, warnings } = decodeExperiment(text);
        expect(Object.hasOwn(presets, state.preset)).toBe(true);
        expect(parseConfig(state.base)).toEqual({ config: state.base });
        expect(state.variants.length).toBeGreaterThan(0);
        for (const variant of state.variants) applyOverrides(state.base, variant);
        expect(typeof state.autostart).toBe('boolean');
        expect(warnings.every((w) => typeof w === 'string')).toBe(true);
      }),
      { numRuns },
    );
    // `__proto__` keys set nothing on Object.prototype.
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('decodeBottleneck returns a valid sweep that re-encodes to itself, for any query string', () => {
    const keys = [
      'v',
      'preset',
      'run',
      'runs',
      'dims',
      'heads',
      'steps',
      'contexts',
      'vocab',
      'temperature',
      'seed',
      'learningRate',
      'samplesPerContext',
      '__proto__',
      'x',
    ];
    const query = queryString(keys).map((text) => `?preset=${bottleneckPreset}&${text.replace(/^\?/, '')}`);
    fc.assert(
      fc.property(query, (text) => {
        const { link, warnings } = decodeBottleneck(text);
        expect(parseBottleneckConfig(link.config)).toEqual(link.config);
        expect(warnings.every((w) => typeof w === 'string')).toBe(true);
        expect(decodeBottleneck(encodeBottleneck(link)).link).toEqual(link);
      }),
      { numRuns },
    );
  });
});

/** Bytes biased towards what the parsers branch on: separators, line ends, digits, signs, NUL, broken UTF-8. */
const interestingBytes = fc
  .array(
    fc.oneof(
      {
        weight: 30,
        arbitrary: fc
          .oneof(
            fc.constantFrom(
              ' ',
              '\t',
              '\n',
              '\r\n',
              '\r',
              '0',
              '1',
              '9',
              '.',
              '-',
              '+',
              'e',
              'x',
              'nan',
              'inf',
              '2 3\n',
              'é',
              '😀',
              '\uFEFF',
            ),
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
const vecRows = fc
  .array(
    fc.tuple(
      fc.constantFrom('a', 'b', '.', '1990', 'é', '😀'),
      fc.array(
        fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.constantFrom('1', '-0', 'x')),
        { minLength: 1, maxLength: 3 },
      ),
      fc.constantFrom('\n', '\r\n', ' \n', '\t\n'),
    ),
    { maxLength: 6 },
  )
  .map((rows) => rows.map(([word, values, end]) => `${word} ${values.join(' ')}${end}`).join(''));

/** A `count dim` header, from honest to absurd (10^15 words of 10^7 values), over rows that may or may not match it. */
const vecWithHeader = fc
  .tuple(
    fc.oneof(fc.nat(8), fc.nat(), fc.integer({ min: 0, max: 1e15 })),
    fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1e7 })),
    vecRows,
  )
  .map(([count, dim, rows]) => encoder.encode(`${count} ${dim}\n${rows}`));

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

const maxBytes = 4096;
const chunkSize = fc.integer({ min: 1, max: 64 });

describe('uploaded files', () => {
  it('parseVec returns consistent vectors or an UploadError, the same for a Blob and a stream in any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          interestingBytes,
          vecRows.map((rows) => encoder.encode(rows)),
          vecWithHeader,
        ),
        chunkSize,
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        async (bytes, size, maxWords) => {
          const options = { file: 'f.vec', maxBytes, maxWords };
          const chunkedResult = await outcome(() => parseVec(chunked(bytes, size), options));
          expect(await outcome(() => parseVec(new Blob([bytes]), options))).toEqual(chunkedResult);
          if ('value' in chunkedResult) {
            const { words, dim, vectors } = chunkedResult.value;
            expect(new Set(words).size).toBe(words.length);
            expect(vectors).toHaveLength(words.length * dim);
            expect(vectors.every(Number.isFinite)).toBe(true);
          }
        },
      ),
      { numRuns, timeout },
    );
  });

  it('parseVec allocates for the rows it reads, whatever its header claims, at the page’s 1 GiB limit', async () => {
    const pageLimit = 2 ** 30;
    await fc.assert(
      fc.asyncProperty(vecWithHeader, async (bytes) => {
        const before = process.memoryUsage().arrayBuffers;
        await outcome(() => parseVec(chunked(bytes, 64), { file: 'f.vec', maxBytes: pageLimit }));
        expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 ** 20);
      }),
      { numRuns, timeout },
    );
  });

  it('parseParallelTsv returns tab-free, non-empty pairs or an UploadError, the same for a Blob and a stream in any chunks', async () => {
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
      { numRuns, timeout },
    );
  });

  it('parseCorpus returns lines or an UploadError, the same for a Blob and a stream in any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(interestingBytes, chunkSize, async (bytes, size) => {
        const options = { file: 'c.txt', maxBytes };
        const corpus = await outcome(() => parseCorpus(chunked(bytes, size), options));
        expect(await outcome(() => parseCorpus(new Blob([bytes]), options))).toEqual(corpus);
        if ('value' in corpus) for (const line of corpus.value) expect(line !== '' && !line.includes('\n')).toBe(true);
      }),
      { numRuns, timeout },
    );
  });

  it('parseAlignedPair returns pairs or an UploadError, the same for Blobs and streams in any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(interestingBytes, interestingBytes, chunkSize, async (first, second, size) => {
        const options = { srcFile: 'a.txt', tgtFile: 'b.txt', maxBytes };
        const pair = await outcome(() => parseAlignedPair(chunked(first, size), chunked(second, size), options));
        expect(await outcome(() => parseAlignedPair(new Blob([first]), new Blob([second]), options))).toEqual(pair);
        if ('value' in pair) expect(pair.value.src.length).toBe(pair.value.tgt.length);
      }),
      { numRuns, timeout },
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
      { numRuns, timeout },
    );
  });
});

/** The path of every value inside `json`, containers included (not `json` itself). */
function pathsOf(json: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (json === null || typeof json !== 'object') return [];
  const children = Array.isArray(json) ? json.map((value, i) => [i, value] as const) : Object.entries(json);
  return children.flatMap(([key, value]) => [[...prefix, key], ...pathsOf(value, [...prefix, key])]);
}

/** `json` with the value at `path` replaced, or removed when `value` is undefined. */
function replaced(json: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(json) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  if (value === undefined) delete node[path.at(-1)!];
  else node[path.at(-1)!] = value;
  return copy;
}

describe('imported run files', () => {
  const valid = JSON.parse(toJson(fullComparison)) as unknown;
  // Near-misses reach deep into the schema: a valid file with one value anywhere replaced or removed.
  const nearMiss = fc
    .tuple(fc.constantFrom(...pathsOf(valid)), fc.option(fc.jsonValue(), { nil: undefined }))
    .map(([path, value]) => JSON.stringify(replaced(valid, path, value)));
  const text = fc.oneof(fc.string({ unit: 'binary' }), fc.json(), nearMiss);
  const file = (contents: string) => ({
    name: 'run.json',
    size: encoder.encode(contents).length,
    text: async () => contents,
  });

  it('importRunFile returns a valid comparison or an error naming the file, for any text', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(text, async (contents) => {
        const result = await importRunFile(file(contents));
        if (result.ok) {
          accepted++;
          expect(comparisonRecordSchema.safeParse(result.comparison).success).toBe(true);
        } else {
          expect(result.error).toMatch(/^run\.json: (Not a run file|Invalid continuum-(run|comparison) file): \S/);
        }
      }),
      { numRuns, timeout },
    );
    // The near-misses that change nothing essential (an optional field, a label) must still open.
    expect(accepted).toBeGreaterThan(0);
  });
});
