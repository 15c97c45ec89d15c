// The one error every upload parser reports: which file, which line (when the problem has one), a
// machine-readable problem code for the UI, and a sentence a researcher can act on.

export type UploadProblem =
  /** The file is larger than the caller's byte limit. */
  | 'too-large'
  /** A NUL byte or bytes that are not UTF-8 (a binary file, or text saved as Latin-1 and the like). */
  | 'binary-file'
  /** The source failed while being read (the file changed on disk, permission lost, stream error). */
  | 'unreadable'
  /** No records at all: zero bytes, only blank lines, or only a header. */
  | 'empty-file'
  /** A line longer than the parser accepts (see `defaultMaxLineChars`). */
  | 'line-too-long'
  /** A blank line before the last record, where only trailing blank lines are allowed. */
  | 'blank-line'
  /** A TSV line without exactly one tab. */
  | 'column-count'
  /** A TSV line whose source or target side is empty. */
  | 'empty-field'
  /** Two line-aligned files with different numbers of lines. */
  | 'line-count-mismatch'
  /**
   * A `.vec` header line that cannot be right: zero dimensions, or more words × dimensions than the size limit holds.
   */
  | 'invalid-header'
  /** A `.vec` file whose number of words differs from its header's count. */
  | 'count-mismatch'
  /** A `.vec` row whose number of values differs from the header's dimension. */
  | 'dimension-mismatch'
  /** A `.vec` row (no header) whose number of values differs from the rows before it, or has none. */
  | 'ragged-vector'
  /** A vector component that is not a decimal number. */
  | 'non-numeric'
  /** A vector component that is NaN, infinite, or beyond float32's range. */
  | 'non-finite'
  /** A `.vec` word listed twice. */
  | 'duplicate-word';

export interface UploadErrorDetails {
  file: string;
  /** 1-based; absent for problems of the whole file (size, line counts at the end). */
  line?: number;
  problem: UploadProblem;
  /** What is wrong, phrased to follow "file, line N: ". */
  detail: string;
}

export class UploadError extends Error {
  override readonly name = 'UploadError';
  readonly file: string;
  readonly line: number | undefined;
  readonly problem: UploadProblem;

  constructor({ file, line, problem, detail }: UploadErrorDetails, options?: { cause?: unknown }) {
    super(line === undefined ? `${file}: ${detail}` : `${file}, line ${line}: ${detail}`, options);
    this.file = file;
    this.line = line;
    this.problem = problem;
  }
}

const longestQuote = 40;

/** Quotes a piece of the user's input for a message: escaped (so control characters show) and cut short. */
export function quote(text: string): string {
  const shown = text.length > longestQuote ? `${text.slice(0, longestQuote)}…` : text;
  return JSON.stringify(shown);
}
