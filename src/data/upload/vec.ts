// Word vectors in the text format shared by word2vec, fastText and GloVe: one `word v1 … vd` row per
// line, fields separated by spaces or tabs, optionally preceded by a `count dim` header
// (word2vec, fastText; GloVe has none). The rules this parser applies:
// - The first line is a header exactly when it has two fields that are both unsigned integers. A
//   headerless 1-dimensional file starting with a numeric word would be misread; such files are not
//   something anyone uploads.
// - The header's count is checked against the rows: a mismatch is an ERROR, not a warning, because
//   the usual cause is a truncated download, and silently training on part of a vocabulary is worse
//   than a clear message. (With `maxWords`, reading stops early and the count is not checked.)
// - The first field is always the word, whatever it looks like: GloVe has words such as ".", "-",
//   "1990" and "0.5". Only ASCII spaces and tabs separate fields, so a word may contain U+00A0 and
//   other Unicode spaces (fastText's vectors do). A word with an ASCII space inside cannot be told
//   apart from a row with extra values; such rows are rejected with a hint.
// - Values are plain decimals (`-1`, `.5`, `2.`, `1e-3`); NaN, Inf and values beyond float32's range
//   are rejected, as are hex and other forms `Number()` would accept.
// Memory: rows go straight into a Float32Array that grows geometrically with the rows actually read
// (never beyond what `maxBytes` of text could hold), so memory follows the file, not its header: a
// header is only a claim, and one declaring more words × dimensions than the size limit can hold
// is refused before anything is allocated.
import { UploadError, quote, type UploadProblem } from './errors';
import { findFields, parseDecimal } from './decimal';
import { forEachLine, formatBytes, type UploadOptions, type UploadSource } from './lines';

export interface VecOptions extends UploadOptions {
  /** Keep the first this many words and stop reading (vector files list frequent words first). */
  maxWords?: number;
}

export interface WordVectors {
  words: string[];
  dim: number;
  /** Row-major, words.length × dim. */
  vectors: Float32Array;
  /** True when `maxWords` cut the file short. */
  truncated: boolean;
}

interface Header {
  count: number;
  dim: number;
  line: number;
}

const unsignedInteger = /^\d+$/;
const notANumberOrInfinity = /^[+-]?(?:nan|inf(?:inity)?)$/i;

export async function parseVec(source: UploadSource, options: VecOptions): Promise<WordVectors> {
  const { file, maxBytes, maxWords = Infinity } = options;
  const words: string[] = [];
  const lineOfWord = new Map<string, number>();
  let header: Header | undefined;
  let dim = 0;
  /** The line that fixed `dim`, for messages about rows that disagree. */
  let dimLine = 0;
  let table = new Float32Array(0);
  let truncated = false;
  let firstLine = true;

  /** Each row takes at least 2·dim + 1 bytes ("w 0 0 … 0"), which caps the rows a file within the limit can hold. */
  const rowsThatFit = () => Math.min(maxWords, Math.floor(maxBytes / (2 * dim + 1)));
  const reserveRows = (rows: number) => {
    const needed = rows * dim;
    if (needed <= table.length) return;
    const grown = new Float32Array(Math.max(needed, Math.min(2 * table.length, rowsThatFit() * dim)));
    grown.set(table);
    table = grown;
  };
  const fail = (line: number, problem: UploadProblem, detail: string) =>
    new UploadError({ file, line, problem, detail });

  /** [start, end) of each field of the current line, reused from line to line. */
  const bounds: number[] = [];
  await forEachLine(source, { file, maxBytes, blankLines: 'trailing-only' }, (text, line) => {
    const fieldCount = findFields(text, bounds);
    const field = (index: number) => text.slice(bounds[2 * index], bounds[2 * index + 1]);
    if (firstLine) {
      firstLine = false;
      if (fieldCount === 2 && unsignedInteger.test(field(0)) && unsignedInteger.test(field(1))) {
        header = { count: Number(field(0)), dim: Number(field(1)), line };
        if (header.dim === 0) throw fail(line, 'invalid-header', 'is a header declaring 0 dimensions');
        dim = header.dim;
        dimLine = line;
        const rowsToRead = Math.min(header.count, maxWords);
        if (rowsToRead > rowsThatFit()) {
          const needs = formatBytes(rowsToRead * (2 * dim + 1));
          throw fail(
            line,
            'invalid-header',
            `is a header declaring ${rowsToRead.toLocaleString('en')} words of ${dim.toLocaleString('en')} values, at least ${needs} of text, more than the limit of ${formatBytes(maxBytes)}`,
          );
        }
        return;
      }
    }
    if (words.length >= maxWords) {
      truncated = true;
      return 'stop';
    }
    if (header && words.length === header.count) {
      throw fail(
        line,
        'count-mismatch',
        `is a vector beyond the ${header.count} words the header on line ${header.line} declares`,
      );
    }
    const word = field(0);
    const values = fieldCount - 1;
    if (values === 0) throw fail(line, 'ragged-vector', `has the word ${quote(word)} but no values`);
    if (dim === 0) {
      dim = values;
      dimLine = line;
    } else if (values !== dim) {
      const hint = values > dim ? ' (a word cannot contain spaces in this format)' : '';
      if (header) {
        throw fail(
          line,
          'dimension-mismatch',
          `has ${values} values but the header on line ${header.line} declares ${dim}${hint}`,
        );
      }
      throw fail(line, 'ragged-vector', `has ${values} values but line ${dimLine} has ${dim}${hint}`);
    }
    const earlier = lineOfWord.get(word);
    if (earlier !== undefined)
      throw fail(line, 'duplicate-word', `repeats the word ${quote(word)} from line ${earlier}`);
    reserveRows(words.length + 1);
    const row = words.length * dim;
    for (let k = 1; k <= dim; k++) {
      const value = parseDecimal(text, bounds[2 * k]!, bounds[2 * k + 1]!);
      if (!Number.isFinite(Math.fround(value))) {
        const { problem, detail } = whyNotAComponent(field(k));
        throw fail(line, problem, `value ${k}, ${quote(field(k))}, ${detail}`);
      }
      table[row + k - 1] = value;
    }
    lineOfWord.set(word, line);
    words.push(word);
  });

  if (words.length === 0) throw new UploadError({ file, problem: 'empty-file', detail: 'contains no word vectors' });
  if (header && !truncated && words.length !== header.count) {
    throw fail(
      header.line,
      'count-mismatch',
      `is a header declaring ${header.count} words, but the file has ${words.length} (was it cut off?)`,
    );
  }
  const used = words.length * dim;
  return { words, dim, vectors: table.length === used ? table : table.slice(0, used), truncated };
}

/** Explains a field that parseDecimal rejected or that overflows float32 (the slow path: it ends the parse). */
function whyNotAComponent(text: string): { problem: UploadProblem; detail: string } {
  if (notANumberOrInfinity.test(text)) return { problem: 'non-finite', detail: 'is not a finite number' };
  if (Number.isNaN(parseDecimal(text, 0, text.length))) return { problem: 'non-numeric', detail: 'is not a number' };
  return { problem: 'non-finite', detail: 'is too large for a 32-bit float' };
}
