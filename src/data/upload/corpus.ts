// A plain-text corpus for language modelling: one sentence or paragraph per line. Blank lines are
// paragraph breaks in ordinary text, so they are skipped wherever they are.
import { UploadError } from './errors';
import { forEachLine, type UploadOptions, type UploadSource } from './lines';

/** The file's non-blank lines, trimmed, in order. */
export async function parseCorpus(source: UploadSource, options: UploadOptions): Promise<string[]> {
  const lines: string[] = [];
  await forEachLine(source, { ...options, blankLines: 'skip' }, (text) => {
    lines.push(text.trim());
  });
  if (lines.length === 0) {
    throw new UploadError({ file: options.file, problem: 'empty-file', detail: 'contains no text' });
  }
  return lines;
}
