import { describe, expect, it } from 'vitest';
import { parseAlignedPair, parseCorpus, parseParallelTsv } from '../../src/data/upload';
import { chunked, rejection, utf8, where } from '../helpers/upload';

const limit = { maxBytes: 1e6 };

describe('reading an upload as lines', () => {
  it('reads LF, CRLF, a BOM and a missing final newline alike', async () => {
    const expected = ['héllo wörld', 'second line', 'third'];
    for (const text of [
      'héllo wörld\n\n  second line  \nthird\n',
      'héllo wörld\r\n\r\n  second line  \r\nthird',
      '\uFEFFhéllo wörld\n\nsecond line\nthird',
    ]) {
      expect(await parseCorpus(chunked(utf8(text), 1 << 16), { file: 'c.txt', ...limit })).toEqual(expected);
    }
  });

  it('gives the same lines whatever the chunk boundaries, including inside characters and CRLF', async () => {
    // U+FFFD is what a decoder substitutes for bad bytes; written out as a character, it is text.
    const text = '\uFEFFcafé 😀 naïve\r\nΩ≈ç√ \uFFFD\r\n\r\nlast 😀';
    const whole = await parseCorpus(chunked(utf8(text), 1 << 16), { file: 'c.txt', ...limit });
    expect(whole).toEqual(['café 😀 naïve', 'Ω≈ç√ \uFFFD', 'last 😀']);
    for (let size = 1; size <= 9; size++) {
      expect(await parseCorpus(chunked(utf8(text), size), { file: 'c.txt', ...limit })).toEqual(whole);
    }
  });

  it('accepts a Blob', async () => {
    expect(await parseCorpus(new Blob([utf8('a\nb')]), { file: 'c.txt', ...limit })).toEqual(['a', 'b']);
  });

  it('rejects a Blob over the limit from its size, before reading it', async () => {
    class UnreadableBlob extends Blob {
      override stream(): never {
        throw new Error('the parser read a file it should have rejected by size');
      }
    }
    const error = await rejection(
      parseCorpus(new UnreadableBlob([utf8('x'.repeat(100))]), { file: 'big.txt', maxBytes: 99 }),
    );
    expect(where(error)).toEqual({ file: 'big.txt', line: undefined, problem: 'too-large' });
    expect(error.message).toBe('big.txt: is 100 bytes, larger than the limit of 99 bytes');
  });

  it('stops a stream as soon as it passes the limit', async () => {
    let chunksRead = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        chunksRead++;
        yield utf8('more text\n');
      }
    }
    const error = await rejection(parseCorpus(endless(), { file: 'pipe', maxBytes: 1000 }));
    expect(where(error)).toEqual({ file: 'pipe', line: undefined, problem: 'too-large' });
    expect(chunksRead).toBe(101);
  });

  it('refuses a line as soon as it passes maxLineChars, holding no more of it than that', async () => {
    let chunksRead = 0;
    async function* endlessLine(): AsyncGenerator<Uint8Array> {
      yield utf8('first line\n');
      for (;;) {
        chunksRead++;
        yield utf8('0123456789');
      }
    }
    const error = await rejection(parseCorpus(endlessLine(), { file: 'pipe', maxBytes: Infinity, maxLineChars: 1000 }));
    expect(error.message).toBe(
      'pipe, line 2: is longer than 1,000 characters; is this a text file with one record per line?',
    );
    expect(where(error)).toEqual({ file: 'pipe', line: 2, problem: 'line-too-long' });
    expect(chunksRead).toBe(101);
  });

  it('names the line of a NUL byte, wherever the chunks split', async () => {
    const bytes = utf8('ok\nfine\nbad\0x\nmore\n');
    for (const size of [1, 2, 3, 5, 64]) {
      const error = await rejection(parseCorpus(chunked(bytes, size), { file: 'x.bin', ...limit }));
      expect(where(error)).toEqual({ file: 'x.bin', line: 3, problem: 'binary-file' });
      expect(error.message).toMatch(/NUL byte/);
    }
  });

  it('names the line of bytes that are not UTF-8, wherever the chunks split', async () => {
    const latin1 = new Uint8Array([...utf8('first é\n😀 second\ncaf'), 0xe9, ...utf8(' au lait\nlast\n')]);
    for (const size of [1, 2, 3, 4, 7, 64]) {
      const error = await rejection(parseCorpus(chunked(latin1, size), { file: 'latin1.txt', ...limit }));
      expect(where(error)).toEqual({ file: 'latin1.txt', line: 3, problem: 'binary-file' });
      expect(error.message).toMatch(/not UTF-8/);
    }
    const cases: [bytes: number[], line: number, chunkSize: number][] = [
      [[0x61, 0x0a, 0x62, 0xe2, 0x82], 2, 1], // the file ends inside a character
      [[0xc0, 0xaf], 1, 1], // overlong encoding of '/'
      [[0x0a, 0xed, 0xa0, 0x80], 2, 1], // a UTF-16 surrogate
      [[0x0a, 0x0a, 0xe2, 0x0a, 0x82, 0xac], 3, 1], // a character cut by a newline
      [[0x61, 0x62, 0xe2, 0x0a, 0x62, 0xff], 1, 3], // the same, with a second error in the next chunk
    ];
    for (const [bytes, line, chunkSize] of cases) {
      const error = await rejection(parseCorpus(chunked(new Uint8Array(bytes), chunkSize), { file: 'b', ...limit }));
      expect(where(error)).toEqual({ file: 'b', line, problem: 'binary-file' });
    }
  });

  it('calls a file with no text empty', async () => {
    for (const text of ['', '\n\n  \n', '\uFEFF', '\t\r\n']) {
      const error = await rejection(parseCorpus(chunked(utf8(text), 4), { file: 'e.txt', ...limit }));
      expect(where(error)).toEqual({ file: 'e.txt', line: undefined, problem: 'empty-file' });
    }
  });

  it('turns a failing source into an UploadError', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield utf8('a line\n');
      throw new Error('disk gone');
    }
    const error = await rejection(parseCorpus(failing(), { file: 'f.txt', ...limit }));
    expect(where(error)).toEqual({ file: 'f.txt', line: undefined, problem: 'unreadable' });
    expect(error.message).toBe('f.txt: could not be read: disk gone');
  });

  it('lets timers run while it parses a large in-memory upload', async () => {
    const bytes = utf8('the quick brown fox jumps over the lazy dog\n'.repeat(400_000));
    let timerRuns = 0;
    const timer = setInterval(() => timerRuns++, 0);
    try {
      expect(await parseCorpus(chunked(bytes, 1 << 16), { file: 'big.txt', maxBytes: 1e8 })).toHaveLength(400_000);
    } finally {
      clearInterval(timer);
    }
    expect(timerRuns).toBeGreaterThan(0);
  });
});

describe('parseParallelTsv', () => {
  const options = { file: 'pairs.tsv', ...limit };

  it('reads source<TAB>target lines, trimming each side and ignoring trailing blank lines', async () => {
    const text = '\uFEFFHola mundo\tHello world\r\n ¿Qué? \t What? \r\nsí\tyes\n\n\n';
    for (const size of [1, 3, 1 << 16]) {
      expect(await parseParallelTsv(chunked(utf8(text), size), options)).toEqual({
        src: ['Hola mundo', '¿Qué?', 'sí'],
        tgt: ['Hello world', 'What?', 'yes'],
      });
    }
  });

  it.each([
    ['a\tb\n\nc\td\n', 2, 'blank-line'],
    ['\na\tb\n', 1, 'blank-line'],
    ['a\tb\n  \n\t\nc\td\n', 2, 'blank-line'],
    ['a\tb\nno tab here\n', 2, 'column-count'],
    ['a\tb\nc\td\te\n', 2, 'column-count'],
    ['a\tb\nc\td\ne\t\n', 3, 'empty-field'],
    ['\tb\n', 1, 'empty-field'],
  ])('rejects %j at line %i as %s', async (text, line, problem) => {
    const error = await rejection(parseParallelTsv(chunked(utf8(text), 2), options));
    expect(where(error)).toEqual({ file: 'pairs.tsv', line, problem });
  });

  it('says what is wrong in words', async () => {
    const columns = await rejection(parseParallelTsv(chunked(utf8('a\tb\tc'), 8), options));
    expect(columns.message).toBe('pairs.tsv, line 1: has 3 tab-separated columns; expected source<TAB>target');
    const blank = await rejection(parseParallelTsv(chunked(utf8('a\tb\n\na\tb'), 8), options));
    expect(blank.message).toMatch(/^pairs\.tsv, line 2: is blank/);
  });

  it('rejects an empty file', async () => {
    const error = await rejection(parseParallelTsv(chunked(utf8('\n\n'), 8), options));
    expect(where(error)).toEqual({ file: 'pairs.tsv', line: undefined, problem: 'empty-file' });
  });
});

describe('parseAlignedPair', () => {
  const options = { srcFile: 'train.es', tgtFile: 'train.en', ...limit };

  it('pairs line i with line i', async () => {
    const pair = await parseAlignedPair(
      chunked(utf8('uno\ndos\r\ntres\n'), 3),
      new Blob([utf8('one\ntwo\nthree')]),
      options,
    );
    expect(pair).toEqual({ src: ['uno', 'dos', 'tres'], tgt: ['one', 'two', 'three'] });
  });

  it('names both files and both counts when the line counts differ, at the first unpaired line', async () => {
    const error = await rejection(
      parseAlignedPair(chunked(utf8('uno\ndos\ntres\n'), 4), chunked(utf8('one\ntwo\n\n'), 4), options),
    );
    expect(where(error)).toEqual({ file: 'train.es', line: 3, problem: 'line-count-mismatch' });
    expect(error.message).toBe(
      'train.es, line 3: has no partner line: train.es has 3 lines but train.en has 2; ' +
        'line-aligned files must have the same number of lines',
    );
    const reversed = await rejection(parseAlignedPair(chunked(utf8('uno'), 4), chunked(utf8('one\ntwo'), 4), options));
    expect(where(reversed)).toEqual({ file: 'train.en', line: 2, problem: 'line-count-mismatch' });
  });

  it('rejects a blank line in the middle of either file, and an empty file', async () => {
    const blank = await rejection(
      parseAlignedPair(chunked(utf8('uno\ndos'), 4), chunked(utf8('one\n\ntwo'), 4), options),
    );
    expect(where(blank)).toEqual({ file: 'train.en', line: 2, problem: 'blank-line' });
    const empty = await rejection(parseAlignedPair(chunked(utf8(''), 4), chunked(utf8('one'), 4), options));
    expect(where(empty)).toEqual({ file: 'train.es', line: undefined, problem: 'empty-file' });
  });
});
