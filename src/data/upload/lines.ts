// Bytes → UTF-8 text → numbered lines, for every upload format. Streaming, so memory follows the
// longest line rather than the file; the size limit is enforced before reading (Blob.size) and while
// reading (for streams of unknown length); binary input is rejected with the line it breaks on; and
// the event loop gets a turn every few milliseconds so a large upload never freezes the page.
import { UploadError } from './errors';
import { findBinaryContent, lastThreeBytes, notUtf8 } from './binary';

/** A browser File or Blob, or any stream of byte chunks (`File.stream()`, Node's `fs.createReadStream`). */
export type UploadSource = Blob | AsyncIterable<Uint8Array>;

export interface UploadOptions {
  /** The name every message starts with. */
  file: string;
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /** Longest accepted line, in UTF-16 code units; default `defaultMaxLineChars`. */
  maxLineChars?: number;
}

/**
 * A line is one string, and JavaScript engines cap a string's length (V8 at 2^29 − 24 code units):
 * a longer line would end the parse with a RangeError. Text uploads stay far below this (their
 * limit is in bytes, and a line has at most one code unit per byte); a `.vec` file may not.
 */
const defaultMaxLineChars = 2 ** 28;

/**
 * `skip`: blank (whitespace-only) lines are dropped wherever they are.
 * `trailing-only`: blank lines after the last non-blank line are dropped, any other is an error —
 * in record-per-line formats a blank line in the middle usually means a lost or extra record.
 */
export type BlankLines = 'skip' | 'trailing-only';

/** Receives each non-blank line without its line ending; returning 'stop' ends reading early. */
// biome-ignore lint/suspicious/noConfusingVoidType: a visitor that returns nothing reads on; returning 'stop' ends
export type LineVisitor = (text: string, line: number) => void | 'stop';

/** Decode at most this much at once: bounds both the pause between yields and the transient string. */
const pieceBytes = 256 * 1024;
/** Work this long, then let the page paint and handle input. */
const workSliceMs = 20;

export async function forEachLine(
  source: UploadSource,
  { file, maxBytes, maxLineChars = defaultMaxLineChars, blankLines }: UploadOptions & { blankLines: BlankLines },
  visit: LineVisitor,
): Promise<void> {
  if (isBlob(source) && source.size > maxBytes) {
    throw tooLarge(file, maxBytes, source.size);
  }
  let firstPendingBlank = 0;
  const lineTooLong = (line: number) =>
    new UploadError({
      file,
      line,
      problem: 'line-too-long',
      detail: `is longer than ${maxLineChars.toLocaleString('en')} characters; is this a text file with one record per line?`,
    });
  const splitter = new LineSplitter(maxLineChars, lineTooLong, (text, line) => {
    if (!/\S/.test(text)) {
      if (blankLines === 'trailing-only' && firstPendingBlank === 0) firstPendingBlank = line;
      return false;
    }
    if (firstPendingBlank !== 0) {
      throw new UploadError({
        file,
        line: firstPendingBlank,
        problem: 'blank-line',
        detail: 'is blank; blank lines are allowed only at the end of this kind of file',
      });
    }
    return visit(text, line) === 'stop';
  });
  // Not fatal: findBinaryContent locates bad bytes exactly. A BOM at the start of the stream is dropped.
  const decoder = new TextDecoder('utf-8');
  let bytesRead = 0;
  let previousTail: Uint8Array = new Uint8Array(0);
  let sliceEnds = performance.now() + workSliceMs;

  for await (const chunk of chunksOf(source, file)) {
    // A stream's lines are read up to the limit before it is rejected, so where the chunks happen to
    // split never changes which problem is reported.
    const withinLimit = chunk.subarray(0, Math.max(0, maxBytes - bytesRead));
    bytesRead += chunk.length;
    for (let start = 0; start < withinLimit.length; start += pieceBytes) {
      const piece = withinLimit.subarray(start, start + pieceBytes);
      const text = decoder.decode(piece, { stream: true });
      const binary = findBinaryContent(piece, previousTail, text);
      if (binary) {
        // The lines before the bad one come first, for the same reason.
        if (splitter.push(text.slice(0, afterNewlines(text, binary.newlinesBefore)))) return;
        throw new UploadError({ file, line: splitter.line, problem: 'binary-file', detail: binary.detail });
      }
      if (splitter.push(text)) return;
      previousTail = lastThreeBytes(previousTail, piece);
      if (performance.now() >= sliceEnds) {
        await nextMacrotask();
        sliceEnds = performance.now() + workSliceMs;
      }
    }
    if (bytesRead > maxBytes) throw tooLarge(file, maxBytes);
  }
  // Flushing yields U+FFFD exactly when the file ends inside a character.
  if (decoder.decode() !== '') {
    throw new UploadError({
      file,
      line: splitter.line,
      problem: 'binary-file',
      detail: `${notUtf8} (it ends inside a character)`,
    });
  }
  splitter.finish();
}

/** Index just past the `count`-th newline of `text` (0 for none). */
function afterNewlines(text: string, count: number): number {
  let end = 0;
  for (let seen = 0; seen < count; seen++) end = text.indexOf('\n', end) + 1;
  return end;
}

/**
 * Splits decoded text on \n, dropping a \r before it; keeps the unfinished last line in parts, so a long line is joined
 * once.
 */
class LineSplitter {
  /** Number of the line being assembled (1-based). */
  line = 1;
  private partial: string[] = [];
  private partialLength = 0;

  /** `emit` returns true to stop; `tooLong` is thrown as soon as the line being assembled passes `maxLineChars`. */
  constructor(
    private readonly maxLineChars: number,
    private readonly tooLong: (line: number) => Error,
    private readonly emit: (text: string, line: number) => boolean,
  ) {}

  /** Returns true once `emit` asked to stop. */
  push(text: string): boolean {
    let from = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', from)) {
      this.append(text.slice(from, newline));
      from = newline + 1;
      if (this.completeLine()) return true;
    }
    if (from < text.length) this.append(text.slice(from));
    return false;
  }

  private append(part: string): void {
    this.partialLength += part.length;
    if (this.partialLength > this.maxLineChars) throw this.tooLong(this.line);
    this.partial.push(part);
  }

  /** The last line when the file does not end with a newline. */
  finish(): void {
    if (this.partial.length > 0) this.completeLine();
  }

  private completeLine(): boolean {
    let text = this.partial.length === 1 ? this.partial[0]! : this.partial.join('');
    this.partial = [];
    this.partialLength = 0;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return this.emit(text, this.line++);
  }
}

/** Yields the source's chunks; a failure of the source itself becomes an 'unreadable' UploadError. */
async function* chunksOf(source: UploadSource, file: string): AsyncGenerator<Uint8Array> {
  const iterator = (isBlob(source) ? blobChunks(source) : source)[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw new UploadError({ file, problem: 'unreadable', detail: `could not be read: ${reason}` }, { cause });
      }
      if (next.done) return;
      // A programming error (a stream opened with an encoding hands out strings), not a problem of the file.
      if (!(next.value instanceof Uint8Array))
        throw new TypeError(`${file}: the upload stream must yield Uint8Array chunks`);
      yield next.value;
    }
  } finally {
    // Stops the underlying read (closes the file handle) when parsing ends early or fails.
    await iterator.return?.();
  }
}

/** Reads a Blob through its stream's reader; async iteration of ReadableStream is missing in some browsers. */
async function* blobChunks(blob: Blob): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel();
  }
}

function isBlob(source: UploadSource): source is Blob {
  return typeof Blob !== 'undefined' && source instanceof Blob;
}

/** `size` is known up front for a Blob; a stream is only known to have passed the limit. */
function tooLarge(file: string, maxBytes: number, size?: number): UploadError {
  const actual = size === undefined ? 'is larger' : `is ${formatBytes(size)}, larger`;
  return new UploadError({
    file,
    problem: 'too-large',
    detail: `${actual} than the limit of ${formatBytes(maxBytes)}`,
  });
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  const [value, unit] = bytes < 1e6 ? [bytes / 1e3, 'kB'] : bytes < 1e9 ? [bytes / 1e6, 'MB'] : [bytes / 1e9, 'GB'];
  return `${value.toFixed(value < 10 ? 1 : 0)} ${unit}`;
}

/** setTimeout(0) is a macrotask in browsers and Node alike, so rendering and input get their turn. */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
