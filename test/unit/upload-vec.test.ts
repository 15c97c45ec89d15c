import { describe, expect, it } from 'vitest';
import { parseVec } from '../../src/data/upload';
import { chunked, rejection, utf8, where } from '../helpers/upload';

const options = { file: 'words.vec', maxBytes: 1e6 };

const parse = (text: string, chunkSize = 5, extra: { maxWords?: number; maxBytes?: number } = {}) =>
  parseVec(chunked(utf8(text), chunkSize), { ...options, ...extra });

describe('parseVec: accepted files', () => {
  it('reads word2vec/fastText text with a header, CRLF and fastText trailing spaces', async () => {
    const text = '\uFEFF3 2\r\nthe 0.5 -1 \r\nof 2.5e-1 .25 \r\né 3 4 \r\n';
    for (const size of [1, 2, 7, 1024]) {
      const result = await parse(text, size);
      expect(result.words).toEqual(['the', 'of', 'é']);
      expect(result.dim).toBe(2);
      expect(Array.from(result.vectors)).toEqual([0.5, -1, 0.25, 0.25, 3, 4]);
      expect(result.truncated).toBe(false);
    }
  });

  it('reads headerless GloVe rows whose words look like punctuation or numbers', async () => {
    const text = ['. 1 2', ', 3 4', '1990 5 6', '0.5 7 8', '- 9 10', 'a\u00a0b 11 12'].join('\n');
    const result = await parse(text);
    expect(result.words).toEqual(['.', ',', '1990', '0.5', '-', 'a\u00a0b']);
    expect(result.dim).toBe(2);
    expect(Array.from(result.vectors)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('accepts tabs as separators and every plain decimal form, rounded like Number()', async () => {
    const values = [
      '-.5',
      '2.',
      '+4',
      '1e-3',
      '1E+2',
      '0.000001',
      '-0',
      '1234567890123456789',
      '3.14159265358979323846',
      '1e-30',
    ];
    const result = await parse(`w\t${values.join(' \t ')}\n`);
    expect(Array.from(result.vectors)).toEqual(values.map((v) => Math.fround(Number(v))));
  });

  it('grows its storage geometrically and returns exactly words × dim values', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `w${i} ${i} ${-i} ${i / 4} 1`);
    const result = await parse(rows.join('\n'), 4096);
    expect(result.words).toHaveLength(3000);
    expect(result.vectors).toHaveLength(12_000);
    expect(Array.from(result.vectors.subarray(4 * 2999))).toEqual([2999, -2999, 2999 / 4, 1]);
  });

  it('keeps the first maxWords words and stops reading, without checking the header count', async () => {
    let chunksRead = 0;
    let sourceClosed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield utf8('1000 2\n');
        for (let i = 0; ; i++) {
          chunksRead++;
          yield utf8(`w${i} ${i} 0\n`);
        }
      } finally {
        sourceClosed = true;
      }
    }
    const result = await parseVec(source(), { ...options, maxWords: 3 });
    expect(result).toMatchObject({ words: ['w0', 'w1', 'w2'], dim: 2, truncated: true });
    expect(Array.from(result.vectors)).toEqual([0, 0, 1, 0, 2, 0]);
    expect(chunksRead).toBe(4);
    expect(sourceClosed).toBe(true);
    expect((await parse('a 1\nb 2\n', 5, { maxWords: 2 })).truncated).toBe(false);
  });

  it('refuses a header claiming more words × values than the size limit holds, before allocating', async () => {
    const claim = await rejection(parse('1000000000 1000000\nw 1\n', 5, { maxBytes: 2 ** 30 }));
    expect(claim.message).toBe(
      'words.vec, line 1: is a header declaring 1,000,000,000 words of 1,000,000 values, at least 2000001 GB of text, more than the limit of 1.1 GB',
    );
    expect(where(claim)).toEqual({ file: 'words.vec', line: 1, problem: 'invalid-header' });
  });

  it('allocates for the rows it reads, not for the rows a header claims', async () => {
    // 300 million one-value rows fit in the page's 1 GiB limit as a claim; the file holds one.
    const before = process.memoryUsage().arrayBuffers;
    const lying = await rejection(parse('300000000 1\nw 1\n', 5, { maxBytes: 2 ** 30 }));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 ** 20);
    expect(where(lying)).toEqual({ file: 'words.vec', line: 1, problem: 'count-mismatch' });
  });
});

describe('parseVec: rejected files', () => {
  it.each([
    ['3 2\na 1 2\nb 3 4\n', 1, 'count-mismatch'],
    ['1 2\na 1 2\nb 3 4\n', 3, 'count-mismatch'],
    ['2 3\na 1 2 3\nb 1 2\n', 3, 'dimension-mismatch'],
    ['2 3\na 1 2\n', 2, 'dimension-mismatch'],
    ['5 0\n', 1, 'invalid-header'],
    ['a 1 2\nb 1 2\nc 1 2 3\n', 3, 'ragged-vector'],
    ['a 1 2\nb 1\n', 2, 'ragged-vector'],
    ['a 1 2\nlonely\n', 2, 'ragged-vector'],
    ['a 1 2\nb 1 x\n', 2, 'non-numeric'],
    ['a 1 0x10\n', 1, 'non-numeric'],
    ['a 1,5 2\n', 1, 'non-numeric'],
    ['a 1 2\nb 1e 2\n', 2, 'non-numeric'],
    ['a 1 2\nb - 2\n', 2, 'non-numeric'],
    ['a 1 NaN\n', 1, 'non-finite'],
    ['a 1 2\nb nan 2\n', 2, 'non-finite'],
    ['a -inf 2\n', 1, 'non-finite'],
    ['a 1 Infinity\n', 1, 'non-finite'],
    ['a 1 1e39\n', 1, 'non-finite'],
    ['a 1 -1e400\n', 1, 'non-finite'],
    ['a 1 2\nb 3 4\na 5 6\n', 3, 'duplicate-word'],
    ['a 1 2\n\nb 3 4\n', 2, 'blank-line'],
  ])('rejects %j at line %i as %s', async (text, line, problem) => {
    for (const size of [1, 4, 1024]) {
      expect(where(await rejection(parse(text, size)))).toEqual({ file: 'words.vec', line, problem });
    }
  });

  it('says what is wrong in words', async () => {
    const messages = await Promise.all(
      ['a 1 2\nb 3 4\na 5 6\n', 'a 1 2\nb 1 x\n', 'a 1 2\nnew york 1 2\n', '3 2\na 1 2\nb 3 4\n', 'a 1 1e39\n'].map(
        async (text) => (await rejection(parse(text))).message,
      ),
    );
    expect(messages).toEqual([
      'words.vec, line 3: repeats the word "a" from line 1',
      'words.vec, line 2: value 2, "x", is not a number',
      'words.vec, line 2: has 3 values but line 1 has 2 (a word cannot contain spaces in this format)',
      'words.vec, line 1: is a header declaring 3 words, but the file has 2 (was it cut off?)',
      'words.vec, line 1: value 2, "1e39", is too large for a 32-bit float',
    ]);
  });

  it('rejects empty, header-only, oversized and binary files', async () => {
    for (const text of ['', '\n \n', '2 300\n']) {
      expect(where(await rejection(parse(text)))).toEqual({
        file: 'words.vec',
        line: undefined,
        problem: 'empty-file',
      });
    }
    const big = await rejection(parseVec(new Blob([utf8('a 1\n'.repeat(100))]), { ...options, maxBytes: 399 }));
    expect(where(big)).toEqual({ file: 'words.vec', line: undefined, problem: 'too-large' });
    const binary = await rejection(
      parseVec(chunked(new Uint8Array([0x61, 0x20, 0x31, 0x0a, 0x62, 0x20, 0xff]), 3), options),
    );
    expect(where(binary)).toEqual({ file: 'words.vec', line: 2, problem: 'binary-file' });
  });
});
