// `npm run bench -- embeddings`: time to build in-app word vectors (PPMI + randomized SVD, k = 100,
// the spec's defaults) on the GPU path and the CPU path, for a Zipfian synthetic corpus of 1.2M
// tokens over V = 10k and, when the shipped data is present, for the State of the Union addresses;
// then the quality check (neighbours, king − man + woman) on the SOTU vectors before and after
// filling GloVe's gaps through the Procrustes map.
import Table from 'cli-table3';
import { existsSync } from 'node:fs';
import { ppmiMatrix } from '../../data/cooccurrence';
import { loadCorpus, loadGlove } from '../../data/datasets';
import { readNodeAsset } from '../../data/assetsNode';
import { tokenizeWords } from '../../data/tokenize';
import { Vocabulary } from '../../data/vocabulary';
import { fillMissingVectors, rowSources } from '../../embeddings/fillMissing';
import { factorPpmi, type InAppEmbeddings } from '../../embeddings/ppmiSvd';
import { formatQualityReport, qualityReport } from '../../embeddings/quality';
import { syntheticCorpus } from '../../embeddings/syntheticCorpus';
import type { Engine } from '../../tensor/engine';
import type { BenchReport } from './report';

export interface EmbeddingBenchRow {
  corpus: string;
  tokens: number;
  vocab: number;
  ppmiEntries: number;
  /** Counting and PPMI on the CPU, shared by both paths. */
  ppmiMs: number;
  gpuSvdMs: number;
  cpuSvdMs: number;
  /** Largest relative difference between the two paths' singular values. */
  singularValueGap: number;
}

const vocabSize = 10_000;
const dimension = 100;

async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  return [result, performance.now() - started];
}

async function benchCorpus(
  engine: Engine,
  corpus: string,
  sequences: Int32Array[],
  vocab: number,
): Promise<{ row: EmbeddingBenchRow; gpu: InAppEmbeddings }> {
  const tokens = sequences.reduce((n, s) => n + s.length, 0);
  const [ppmi, ppmiMs] = await timed(() => ppmiMatrix(sequences, vocab));
  // A small warm-up compiles the kernel so pipeline creation is not billed to the GPU path.
  await factorPpmi(ppmiMatrix(sequences.slice(0, 20), vocab), {
    engine,
    dimension: 2,
    oversampling: 0,
    powerIterations: 0,
  });
  const [gpu, gpuSvdMs] = await timed(() => factorPpmi(ppmi, { engine, dimension }));
  const [cpu, cpuSvdMs] = await timed(() => factorPpmi(ppmi, { dimension }));
  const singularValueGap = Math.max(
    ...gpu.singularValues.map((s, i) => Math.abs(s - cpu.singularValues[i]!) / cpu.singularValues[i]!),
  );
  return {
    row: { corpus, tokens, vocab, ppmiEntries: ppmi.values.length, ppmiMs, gpuSvdMs, cpuSvdMs, singularValueGap },
    gpu,
  };
}

const manifestUrl = new URL('../../../public/data/manifest.json', import.meta.url);

/** The SOTU training addresses as token-id sequences over a 10k vocabulary, with the vocabulary. */
async function sotuSequences(): Promise<{ sequences: Int32Array[]; vocabulary: Vocabulary }> {
  const addresses = (await loadCorpus(readNodeAsset, 'sotu', 'train')).map((line) => tokenizeWords(line));
  const vocabulary = Vocabulary.fromSentences(addresses, { maxSize: vocabSize });
  return { sequences: addresses.map((a) => vocabulary.encode(a)), vocabulary };
}

async function sotuQuality(vocabulary: Vocabulary, inApp: InAppEmbeddings): Promise<string> {
  const words = vocabulary.tokens;
  const inAppReport = formatQualityReport(qualityReport({ words, vectors: inApp.vectors, dimension: inApp.dimension }));
  const glove = await loadGlove(readNodeAsset);
  const filled = fillMissingVectors(words, inApp, { words: glove.words, vectors: glove.vectors, dimension: glove.dim });
  const count = (source: number) => filled.source.filter((s) => s === source).length;
  const filledReport = formatQualityReport(
    qualityReport({ words, vectors: filled.vectors, dimension: filled.dimension }),
  );
  return [
    'SOTU in-app vectors (GPU path):',
    inAppReport,
    `Target table over the ${words.length}-word vocabulary: ${count(rowSources.pretrained)} GloVe rows, ${count(rowSources.mapped)} mapped ` +
      `from in-app vectors, ${count(rowSources.random)} seeded (no co-occurrence); Procrustes fit on ${filled.sharedWords} shared words, ` +
      `mean cosine ${filled.fitCosine.toFixed(3)}`,
    'Filled table:',
    filledReport,
  ].join('\n');
}

export async function embeddingsBenchReport(engine: Engine): Promise<BenchReport> {
  const rows: EmbeddingBenchRow[] = [];
  const synthetic = syntheticCorpus({ vocabSize, tokens: 1_200_000, seed: 1 });
  rows.push((await benchCorpus(engine, 'synthetic Zipf', synthetic, vocabSize)).row);
  let quality = 'SOTU: public/data/manifest.json is missing, skipped';
  if (existsSync(manifestUrl)) {
    const { sequences, vocabulary } = await sotuSequences();
    const { row, gpu } = await benchCorpus(engine, 'SOTU train', sequences, vocabulary.size);
    rows.push(row);
    quality = await sotuQuality(vocabulary, gpu);
  }
  const table = new Table({
    head: ['corpus', 'tokens', 'V', 'PPMI nnz', 'PPMI s (CPU)', 'SVD s GPU path', 'SVD s CPU path', 'max rel Δσ'],
    style: { compact: true },
  });
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  for (const r of rows) {
    table.push([
      r.corpus,
      r.tokens,
      r.vocab,
      r.ppmiEntries,
      seconds(r.ppmiMs),
      seconds(r.gpuSvdMs),
      seconds(r.cpuSvdMs),
      r.singularValueGap.toExponential(1),
    ]);
  }
  return {
    text: `In-app embeddings, k=${dimension}, window 5 (1/d), α=0.75, p=0.5, oversampling 10, 2 power iterations\n${table.toString()}\n${quality}`,
    json: { rows, quality },
  };
}
