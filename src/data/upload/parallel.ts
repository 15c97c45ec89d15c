// Parallel text for translation, in the two usual shapes: one TSV file of `source<TAB>target` lines,
// or two line-aligned files (Moses style) where line i of one translates line i of the other.
// Blank lines: allowed only at the end of a file. In the middle of a line-aligned file a blank line
// usually marks a lost or extra sentence that would silently shift every pair after it; the TSV
// format follows the same rule so both shapes accept the same mistakes and reject the same ones.
// Sentences are returned trimmed; a pair with an empty side is an error.
import { UploadError } from './errors';
import { forEachLine, type UploadOptions, type UploadSource } from './lines';

export interface ParallelText {
  src: string[];
  tgt: string[];
}

export async function parseParallelTsv(source: UploadSource, options: UploadOptions): Promise<ParallelText> {
  const { file } = options;
  const src: string[] = [];
  const tgt: string[] = [];
  await forEachLine(source, { ...options, blankLines: 'trailing-only' }, (text, line) => {
    const tab = text.indexOf('\t');
    if (tab === -1 || text.indexOf('\t', tab + 1) !== -1) {
      const columns = tab === -1 ? 'has no tab' : `has ${text.split('\t').length} tab-separated columns`;
      throw new UploadError({ file, line, problem: 'column-count', detail: `${columns}; expected source<TAB>target` });
    }
    const sourceSide = text.slice(0, tab).trim();
    const targetSide = text.slice(tab + 1).trim();
    if (sourceSide === '' || targetSide === '') {
      const side = sourceSide === '' ? 'source (before the tab)' : 'target (after the tab)';
      throw new UploadError({ file, line, problem: 'empty-field', detail: `has an empty ${side}` });
    }
    src.push(sourceSide);
    tgt.push(targetSide);
  });
  if (src.length === 0)
    throw new UploadError({ file, problem: 'empty-file', detail: 'contains no source<TAB>target lines' });
  return { src, tgt };
}

export interface AlignedPairOptions {
  srcFile: string;
  tgtFile: string;
  /** Limit for each file. */
  maxBytes: number;
}

export async function parseAlignedPair(
  srcSource: UploadSource,
  tgtSource: UploadSource,
  { srcFile, tgtFile, maxBytes }: AlignedPairOptions,
): Promise<ParallelText> {
  const src = await readSentences(srcSource, { file: srcFile, maxBytes });
  const tgt = await readSentences(tgtSource, { file: tgtFile, maxBytes });
  if (src.length !== tgt.length) {
    // Blame the first line that has no partner, in the longer file.
    const [longer, shorterCount] = src.length > tgt.length ? [srcFile, tgt.length] : [tgtFile, src.length];
    throw new UploadError({
      file: longer,
      line: shorterCount + 1,
      problem: 'line-count-mismatch',
      detail:
        `has no partner line: ${srcFile} has ${src.length} lines but ${tgtFile} has ${tgt.length}; ` +
        'line-aligned files must have the same number of lines',
    });
  }
  return { src, tgt };
}

async function readSentences(source: UploadSource, options: UploadOptions): Promise<string[]> {
  const sentences: string[] = [];
  await forEachLine(source, { ...options, blankLines: 'trailing-only' }, (text) => {
    sentences.push(text.trim());
  });
  if (sentences.length === 0)
    throw new UploadError({ file: options.file, problem: 'empty-file', detail: 'contains no lines of text' });
  return sentences;
}
