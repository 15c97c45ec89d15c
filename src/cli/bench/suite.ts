// `npm run bench`: the benchmark suite. One run measures, side by side on this machine's adapter:
// matmul GFLOP/s of each of our kernels against TensorFlow.js's WebGPU backend (in Chromium), fused
// against unfused softmax cross-entropy, fused nearest-neighbour decoding against matmul + top-k, a
// whole training step for softmax against NLLvMF at three vocabulary sizes (with dispatches, submits
// and the output layer's bytes), shader compilation per pipeline, and the memory soak (memory.ts).
// Every figure is a median after a warm-up; the JSON keeps them as a flat list of named figures that
// `npm run bench:check` compares.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mulberry32 } from '../../math/random';
import type { Engine } from '../../tensor/engine';
import { mul, sub } from '../../tensor/ops/elementwise';
import { topKByDot, topKMethods, topKTunable, type TopKMethod } from '../../tensor/ops/nearest';
import { currentChoice } from '../../tensor/tuning';
import { isSoftwareAdapter } from '../../tensor/workgroups';
import { logSumExpRows, sumAll, sumRows } from '../../tensor/ops/reduce';
import { softmaxCrossEntropy } from '../../tensor/ops/softmaxXent';
import { measure, timeSubmitted } from '../../tensor/timing';
import type { Tensor } from '../../tensor/tensor';
import { adapterLine } from '../format';
import type { PeerReport, PeerProduct } from './browser/matmulShapes';
import { firstPointLines, firstPointTimes, type FirstPointReport } from './firstPoint';
import { memorySoak, soakHead, soakTable, type SoakRow } from './memory';
import { peerMatmul } from './peer';
import { benchVocab, type TrainingBenchRow } from './training';

export interface Figure {
  /** Stable name, e.g. "matmul.gflops.continuum:register32.1024x1024x1024". */
  id: string;
  value: number;
  unit: string;
  better: 'higher' | 'lower';
}

export interface SuiteReport {
  format: 'continuum-bench';
  date: string;
  versions: Record<string, string>;
  adapter: { node: string; nodeSoftware: boolean; chromium: string };
  figures: Figure[];
  matmul: PeerReport & { chromium: string; software: boolean };
  /** `npm run bench -- --quick`: the parts below marked optional were left out. */
  quick: boolean;
  crossEntropy?: { tokens: number; vocab: number; fusedMs: number; unfusedMs: number };
  /** `chosen`: the method the engine's tuning picked for this adapter. */
  decoding?: {
    tokens: number;
    vocab: number;
    hidden: number;
    k: number;
    fusedMs: number;
    matmulTopKMs: number;
    chosen: TopKMethod;
  };
  training: TrainingBenchRow[];
  compiles: Array<{ pipeline: string; ms: number }>;
  memory?: SoakRow[];
  firstPoint?: FirstPointReport;
  markdown: string;
}

/**
 * Products for the matmul table: square sizes (the quick run's two largest), and the output layer's
 * logits h·Wᵀ at two vocabularies.
 */
const matmulShapes = (quick: boolean): PeerProduct[] => [
  ...(quick ? [1024, 2048] : [256, 512, 1024, 2048]).map(
    (size): PeerProduct => ({ m: size, k: size, n: size, transposeB: false, role: 'square' }),
  ),
  // 640 tokens: the [640, 50k] logits stay under SwiftShader's 128 MiB binding limit.
  ...[5000, 50000].map((vocab): PeerProduct => ({ m: 640, k: 256, n: vocab, transposeB: true, role: 'logits h·Wᵀ' })),
];

const shapeName = ({ m, k, n }: PeerProduct) => `${m}x${k}x${n}`;

function randomTensor(engine: Engine, shape: number[], seed: number, label: string, parameter = false): Tensor {
  const random = mulberry32(seed);
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() - 0.5);
  return parameter ? engine.parameter(data, shape, label) : engine.tensor(data, shape, 'f32', label);
}

/**
 * A measurement only stands if the GPU raised no error meanwhile (a failed allocation skips the work and times
 * nothing).
 */
async function checked<T>(engine: Engine, measurement: Promise<T>): Promise<T> {
  const result = await measurement;
  const [error] = engine.gpu.takeErrors();
  if (error) throw error;
  return result;
}

/**
 * Forward and backward of the loss over [N, V] logits: one fused kernel pair, or the four ops a framework would chain.
 */
export async function benchCrossEntropy(
  engine: Engine,
  tokens = 640,
  vocab = 20_000,
): Promise<NonNullable<SuiteReport['crossEntropy']>> {
  const logits = randomTensor(engine, [tokens, vocab], 3, 'bench.logits', true);
  const random = mulberry32(4);
  const ids = Int32Array.from({ length: tokens }, () => Math.floor(random() * vocab));
  const targets = engine.tensor(ids, [tokens], 'i32', 'bench.targets');
  const oneHot = engine.tensor(
    Float32Array.from({ length: tokens * vocab }, (_, i) => (ids[Math.floor(i / vocab)] === i % vocab ? 1 : 0)),
    [tokens, vocab],
    'f32',
    'bench.onehot',
  );
  const time = (loss: () => Tensor) =>
    checked(
      engine,
      measure((expectedMs) =>
        timeSubmitted(
          engine,
          () =>
            engine.tidy(() => {
              engine.backward(sumAll(loss()));
              logits.grad = undefined;
            }),
          expectedMs,
        ),
      ),
    );
  try {
    const fused = await time(() => softmaxCrossEntropy(logits, targets));
    const unfused = await time(() => sub(logSumExpRows(logits), sumRows(mul(logits, oneHot))));
    return { tokens, vocab, fusedMs: fused.medianMs, unfusedMs: unfused.medianMs };
  } finally {
    for (const t of [logits, targets, oneHot]) t.release();
  }
}

/**
 * Top-5 of h·Wᵀ per token by each top-k method: the fused search that never writes [N, V] scores, and matmul then
 * top-k.
 */
export async function benchDecoding(
  engine: Engine,
  tokens = 128,
  vocab = 50_000,
  hidden = 256,
  k = 5,
): Promise<NonNullable<SuiteReport['decoding']>> {
  const queries = randomTensor(engine, [tokens, hidden], 5, 'bench.queries');
  const table = randomTensor(engine, [vocab, hidden], 6, 'bench.table');
  const search = (method: TopKMethod) => () => topKByDot(engine, queries, table, k, { method });
  const time = (run: () => unknown) =>
    checked(
      engine,
      measure((expectedMs) => timeSubmitted(engine, () => engine.tidy(() => void run()), expectedMs)),
    );
  try {
    // Both must find the same words, or one of the timings measures the wrong thing.
    const [fusedIds, plainIds] = await Promise.all(
      topKMethods.map((method) => engine.tidy(() => search(method)().ids.read())),
    );
    if (fusedIds!.some((id, i) => id !== plainIds![i]))
      throw new Error(
        'The fused top-k and matmul + top-k disagree: the decoding benchmark would compare different work',
      );
    const fused = await time(search('fused'));
    const plain = await time(search('matmul'));
    return {
      tokens,
      vocab,
      hidden,
      k,
      fusedMs: fused.medianMs,
      matmulTopKMs: plain.medianMs,
      chosen: currentChoice(engine, topKTunable).choice,
    };
  } finally {
    queries.release();
    table.release();
  }
}

/** Pipeline creation time per shader (Dawn compiles when the pipeline is created), summed over its variants. */
function compileTimes(engine: Engine): SuiteReport['compiles'] {
  const byShader = new Map<string, number>();
  for (const { key, ms } of engine.pipelines.compiles) {
    const [shader, entry] = JSON.parse(key) as [string, string];
    const name = entry === 'main' ? shader : `${shader}:${entry}`;
    byShader.set(name, (byShader.get(name) ?? 0) + ms);
  }
  return [...byShader].map(([pipeline, ms]) => ({ pipeline, ms })).sort((a, b) => b.ms - a.ms);
}

/** The version in a package.json below the repository root (`''` for Continuum's own). */
function packageVersion(packageDir: string): string {
  try {
    const path = new URL(`../../../${packageDir}${packageDir ? '/' : ''}package.json`, import.meta.url);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Every figure as a named number, the form `bench:check` compares. */
function figuresOf(report: Omit<SuiteReport, 'figures' | 'markdown'>): Figure[] {
  const figures: Figure[] = [];
  for (const row of report.matmul.rows) {
    if (row.gflops !== undefined)
      figures.push({
        id: `matmul.gflops.${row.implementation}.${shapeName(row.shape)}`,
        value: row.gflops,
        unit: 'GFLOP/s',
        better: 'higher',
      });
  }
  const { crossEntropy: ce, decoding } = report;
  if (ce)
    figures.push(
      { id: 'crossEntropy.fusedMs', value: ce.fusedMs, unit: 'ms', better: 'lower' },
      { id: 'crossEntropy.unfusedMs', value: ce.unfusedMs, unit: 'ms', better: 'lower' },
    );
  if (decoding)
    figures.push(
      { id: 'decoding.fusedMs', value: decoding.fusedMs, unit: 'ms', better: 'lower' },
      { id: 'decoding.matmulTopKMs', value: decoding.matmulTopKMs, unit: 'ms', better: 'lower' },
    );
  for (const { visit, ms } of report.firstPoint?.visits ?? [])
    figures.push({ id: `firstPoint.${visit}Ms`, value: ms, unit: 'ms', better: 'lower' });
  for (const row of report.training) {
    const setting = `V${row.vocab}${row.tiedInput ? '.tiedInput' : ''}`;
    for (const [name, head] of [
      ['softmax', row.softmax],
      ['vmf', row.vmf],
    ] as const) {
      figures.push({
        id: `training.tokensPerSecond.${name}.${setting}`,
        value: head.tokensPerSecond,
        unit: 'tokens/s',
        better: 'higher',
      });
      figures.push({
        id: `training.submitsPerStep.${name}.${setting}`,
        value: head.submitsPerStep,
        unit: 'submits',
        better: 'lower',
      });
    }
    figures.push({ id: `training.speedup.${setting}`, value: row.speedup, unit: '×', better: 'higher' });
  }
  for (const row of report.memory ?? []) {
    const last = row.at.at(-1)!;
    figures.push(
      { id: `memory.liveBuffers.${row.preset}`, value: last.buffers, unit: 'buffers', better: 'lower' },
      { id: `memory.liveMiB.${row.preset}`, value: last.bytes / 2 ** 20, unit: 'MiB', better: 'lower' },
    );
  }
  return figures;
}

const fixed = (value: number | undefined, digits: number) => (value === undefined ? '–' : value.toFixed(digits));
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** The report as markdown tables, ratios included, for the terminal and docs/performance.md. */
function suiteMarkdown(report: Omit<SuiteReport, 'markdown'>): string {
  const lines: string[] = [];
  lines.push(`# Continuum benchmark, ${report.date}`, '');
  const software = ' — a software adapter: CPU figures, not GPU ones';
  lines.push(
    `- Node adapter: ${report.adapter.node}${report.adapter.nodeSoftware ? software : ''}`,
    `- Chromium adapter: ${report.matmul.adapter} (Chromium ${report.matmul.chromium})${report.matmul.software ? software : ''}`,
  );
  lines.push(
    `- Versions: ${Object.entries(report.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    '',
  );

  lines.push('## Matmul GFLOP/s (Chromium, same page, same adapter)', '');
  // Ours in the order measured, the peer last, beside the ratio.
  const implementations = [...new Set(report.matmul.rows.map((r) => r.implementation))].sort(
    (a, b) => Number(a === 'tfjs-webgpu') - Number(b === 'tfjs-webgpu'),
  );
  lines.push(
    `| shape (M×K×N) | ${implementations.join(' | ')} | best ours ÷ TF.js |`,
    `|---|${implementations.map(() => '---|').join('')}---|`,
  );
  for (const shape of matmulShapes(report.quick)) {
    const rows = report.matmul.rows.filter((r) => shapeName(r.shape) === shapeName(shape));
    const cell = (impl: string) => {
      const row = rows.find((r) => r.implementation === impl);
      return row?.gflops === undefined
        ? row?.skipped?.startsWith('failed')
          ? 'failed'
          : 'skipped'
        : fixed(row.gflops, 2);
    };
    const ours = Math.max(
      ...rows.filter((r) => r.implementation.startsWith('continuum:') && r.gflops !== undefined).map((r) => r.gflops!),
    );
    const peer = rows.find((r) => r.implementation === 'tfjs-webgpu')?.gflops;
    lines.push(
      `| ${shape.m}×${shape.k}×${shape.n}${shape.transposeB ? ' (Bᵀ)' : ''}${shape.role === 'square' ? '' : `, ${shape.role}`} | ${implementations.map(cell).join(' | ')} | ${peer && Number.isFinite(ours) ? `${(ours / peer).toFixed(1)}×` : '–'} |`,
    );
  }
  const slowest = report.matmul.rows.filter((r) => r.firstMs !== undefined && r.medianMs !== undefined);
  const firstCall = implementations.map((impl) => {
    const overheads = slowest.filter((r) => r.implementation === impl).map((r) => r.firstMs! - r.medianMs!);
    return `${impl} ${fixed(Math.max(0, ...overheads) / 1000, 1)} s`;
  });
  lines.push(
    '',
    `Largest first-call overhead (shader compilation at the first submit, minus one product): ${firstCall.join(', ')}.`,
    '',
  );

  const { crossEntropy: ce, decoding: dec } = report;
  if (ce && dec) {
    lines.push('## Fused kernels against their unfused form (Node/Dawn)', '');
    lines.push('| what | fused ms | unfused ms | speed-up |', '|---|---|---|---|');
    lines.push(
      `| softmax cross-entropy, forward + backward, N = ${ce.tokens}, V = ${ce.vocab.toLocaleString('en')} | ${fixed(ce.fusedMs, 1)} | ${fixed(ce.unfusedMs, 1)} (logsumexp − Σ z⊙onehot) | ${fixed(ce.unfusedMs / ce.fusedMs, 1)}× |`,
    );
    lines.push(
      `| top-${dec.k} of h·Wᵀ, N = ${dec.tokens}, d = ${dec.hidden}, V = ${dec.vocab.toLocaleString('en')} (tuning chose ${dec.chosen}) | ${fixed(dec.fusedMs, 1)} | ${fixed(dec.matmulTopKMs, 1)} (matmul, then top-k) | ${fixed(dec.matmulTopKMs / dec.fusedMs, 2)}× |`,
      '',
    );
  }

  lines.push(
    `## One training step, softmax against NLLvMF (same backbone and batches, ${report.training[0]?.tokensPerStep ?? 0} target tokens, Node/Dawn)`,
    '',
  );
  lines.push(
    '| V | softmax tokens/s | NLLvMF tokens/s | NLLvMF ÷ softmax | dispatches/step (softmax, vMF) | submits/step | MiB bound read + written per step (softmax, vMF) | GFLOP per step in products (softmax, vMF) | output layer + Adam + table, MiB (softmax → vMF) | smaller by |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of report.training) {
    const bytes = (h: typeof r.softmax) => h.headBytes.parameters + h.headBytes.optimizerState + h.headBytes.frozen;
    const trainable = (h: typeof r.softmax) => h.headBytes.parameters + h.headBytes.optimizerState;
    const traffic = (h: typeof r.softmax) => fixed((h.bytesReadPerStep + h.bytesWrittenPerStep) / 2 ** 20, 0);
    lines.push(
      `| ${r.vocab.toLocaleString('en')}${r.tiedInput ? ', tied input embedding' : ''} | ${fixed(r.softmax.tokensPerSecond, 0)} | ${fixed(r.vmf.tokensPerSecond, 0)} | ${fixed(r.speedup, 1)}× | ${fixed(r.softmax.dispatchesPerStep, 0)}, ${fixed(r.vmf.dispatchesPerStep, 0)} | ${fixed(r.softmax.submitsPerStep, 0)}, ${fixed(r.vmf.submitsPerStep, 0)} | ${traffic(r.softmax)}, ${traffic(r.vmf)} | ${fixed(r.softmax.flopsPerStep / 1e9, 2)}, ${fixed(r.vmf.flopsPerStep / 1e9, 2)} | ${mib(bytes(r.softmax))} → ${mib(bytes(r.vmf))} | ${fixed(trainable(r.softmax) / trainable(r.vmf), 0)}× (trainable), ${fixed(bytes(r.softmax) / bytes(r.vmf), 1)}× (with the frozen table) |`,
    );
  }
  lines.push('', '## Shader compilation (pipeline creation, Node/Dawn, slowest first)', '');
  lines.push('| pipeline | ms |', '|---|---|');
  for (const c of report.compiles.slice(0, 12)) lines.push(`| ${c.pipeline} | ${fixed(c.ms, 0)} |`);
  if (report.compiles.length > 12)
    lines.push(
      `| … ${report.compiles.length - 12} more, ${fixed(
        report.compiles.slice(12).reduce((s, c) => s + c.ms, 0),
        0,
      )} ms in all | |`,
    );
  if (report.firstPoint) lines.push('', '## First loss point on the page', '', ...firstPointLines(report.firstPoint));
  if (report.memory) {
    lines.push('', `## Memory soak (${report.memory[0]?.steps ?? 0} steps per preset, Node/Dawn)`, '');
    lines.push(`| ${soakHead.join(' | ')} |`, `|${soakHead.map(() => '---|').join('')}`);
    for (const cells of soakTable(report.memory)) lines.push(`| ${cells.join(' | ')} |`);
  }
  if (report.quick)
    lines.push('', 'A quick run (`--quick`): no fused-kernel table, first-point timing or memory soak.');
  return lines.join('\n');
}

export interface SuiteOptions {
  /** Where to write `<out>.json` and `<out>.md`. */
  out: string;
  /** Timed training steps per head (after the warm-up). */
  trainingSteps?: number;
  /** Only the TF.js peer at 1024³ and 2048³, the logits products and the training step at V = 5k and 50k. */
  quick?: boolean;
  log?: (line: string) => void;
}

export async function runSuite(
  engine: Engine,
  { out, trainingSteps = 2, quick = false, log = (line) => console.error(line) }: SuiteOptions,
): Promise<SuiteReport> {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  log('Matmul in Chromium: our kernels and TensorFlow.js WebGPU…');
  const matmulReport = await peerMatmul(matmulShapes(quick), { budgetMs: 8000, maxProductMs: 30_000 }, log);
  log(`Fused kernels (${elapsed()})…`);
  const fused = quick ? {} : { crossEntropy: await benchCrossEntropy(engine), decoding: await benchDecoding(engine) };
  log(`Training steps (${elapsed()})…`);
  const adapter = adapterLine(engine.gpu.adapter);
  const training: TrainingBenchRow[] = [];
  for (const vocab of quick ? [5000, 50_000] : [5000, 20_000, 50_000])
    training.push(await benchVocab(engine, adapter, vocab, trainingSteps));
  // The same at 50k with the decoder's input embedding tied to the frozen target table: a V×d table
  // fewer for Adam in both runs, the V-dependent cost a real translation setup often drops.
  if (!quick) training.push(await benchVocab(engine, adapter, 50_000, trainingSteps, { tiedInput: true }));
  let rest = {};
  if (!quick) {
    log(`First loss point on the page (${elapsed()})…`);
    const firstPoint = await firstPointTimes(log);
    log(`Memory soak (${elapsed()})…`);
    rest = { firstPoint, memory: await memorySoak(engine) };
  }
  const base = {
    format: 'continuum-bench' as const,
    quick,
    date: new Date().toISOString(),
    versions: {
      continuum: packageVersion(''),
      node: process.versions.node,
      webgpu: packageVersion('node_modules/webgpu'),
      '@tensorflow/tfjs-backend-webgpu': packageVersion('node_modules/@tensorflow/tfjs-backend-webgpu'),
      chromium: matmulReport.chromium,
    },
    adapter: { node: adapter, nodeSoftware: isSoftwareAdapter(engine.gpu.adapter), chromium: matmulReport.adapter },
    matmul: matmulReport,
    ...fused,
    training,
    compiles: compileTimes(engine),
    ...rest,
  };
  const withFigures = { ...base, figures: figuresOf(base) };
  const report: SuiteReport = { ...withFigures, markdown: suiteMarkdown(withFigures) };
  await mkdir(dirname(out) || '.', { recursive: true });
  await writeFile(`${out}.json`, JSON.stringify(report, null, 2));
  await writeFile(`${out}.md`, `${report.markdown}\n`);
  log(`Wrote ${out}.json and ${out}.md (${elapsed()} in all)`);
  return report;
}
