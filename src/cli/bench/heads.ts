// `npm run bench -- heads`: one output-layer training step (forward + backward into the hidden
// states + Adam) for softmax against NLLvMF, decode throughput, and the bytes each head holds.
// Shapes as in the issue: N = 1024 tokens, d = 256, V ∈ {1k, 10k, 50k}, m ∈ {100, 300}.
import Table from 'cli-table3';
import { createHead, optimizerGroups, type HeadBytes, type HeadSpec } from '../../heads';
import { mulberry32, normalSampler } from '../../math/random';
import { Adam } from '../../nn/adam';
import type { Engine } from '../../tensor/engine';
import { sumAll } from '../../tensor/ops/reduce';
import { medianSubmitMs } from '../../tensor/timing';
import type { BenchReport } from './report';

export interface HeadBenchRow {
  vocab: number;
  head: string;
  m: number | undefined;
  stepMs: number;
  tokensPerSecond: number;
  decodeTokensPerSecond: number;
  bytes: HeadBytes;
  paramCount: number;
  /** Peak bytes a training step allocates beyond what exists before it (activations, gradients, scratch). */
  stepBytes: number;
}

const tokens = 1024;
const hiddenSize = 256;

function unitTable(vocab: number, m: number, seed: number): Float32Array {
  const normal = normalSampler(seed);
  const table = new Float32Array(vocab * m);
  for (let r = 0; r < vocab; r++) {
    let sq = 0;
    for (let j = 0; j < m; j++) sq += (table[r * m + j] = normal()) ** 2;
    const scale = 1 / Math.sqrt(sq);
    for (let j = 0; j < m; j++) table[r * m + j]! *= scale;
  }
  return table;
}

export async function benchHead(
  engine: Engine,
  vocab: number,
  spec: HeadSpec,
  m: number | undefined,
  reps: number,
): Promise<HeadBenchRow> {
  const random = mulberry32(vocab);
  const hidden = engine.parameter(
    Float32Array.from({ length: tokens * hiddenSize }, () => random() - 0.5),
    [tokens, hiddenSize],
    'bench.hidden',
  );
  const targets = engine.tensor(
    Int32Array.from({ length: tokens }, () => Math.floor(random() * vocab)),
    [tokens],
    'i32',
    'bench.targets',
  );
  const table = m ? engine.tensor(unitTable(vocab, m, 7), [vocab, m], 'f32', 'bench.table') : undefined;
  const head = createHead(engine, spec, {
    hidden: hiddenSize,
    vocab,
    initSeed: 1,
    ...(table ? { targetTable: table } : {}),
  });
  const optimizer = new Adam(engine, optimizerGroups(head, []), { lr: 1e-3, clipNorm: 5 });
  try {
    const before = engine.pool.stats.inUseBytes;
    engine.pool.resetPeak();
    const stepMs = await medianSubmitMs(
      engine,
      () =>
        engine.tidy(() => {
          engine.backward(sumAll(head.loss(hidden, targets)));
          optimizer.step();
          hidden.grad = undefined;
        }),
      reps,
    );
    const stepBytes = engine.pool.stats.peakInUseBytes - before;
    const decodeMs = await medianSubmitMs(engine, () => engine.tidy(() => void head.decode(hidden, 1)), reps);
    return {
      vocab,
      head: head.label,
      m,
      stepMs,
      tokensPerSecond: (tokens / stepMs) * 1000,
      decodeTokensPerSecond: (tokens / decodeMs) * 1000,
      bytes: head.bytes(),
      paramCount: head.paramCount,
      stepBytes,
    };
  } finally {
    head.release();
    optimizer.release();
    for (const t of [hidden, targets, table]) t?.release();
    engine.pool.trim();
  }
}

async function benchHeads(
  engine: Engine,
  onRow: (row: HeadBenchRow) => void = () => {},
  vocabs = [1000, 10000, 50000],
  reps = 3,
): Promise<HeadBenchRow[]> {
  const vmf: HeadSpec = { kind: 'vmf', regularizer: { kind: 'log1p', lambda: 0.2 }, approximate: false };
  const rows: HeadBenchRow[] = [];
  const add = (row: HeadBenchRow) => {
    rows.push(row);
    onRow(row);
  };
  for (const vocab of vocabs) {
    add(await benchHead(engine, vocab, { kind: 'softmax' }, undefined, reps));
    for (const m of [100, 300]) add(await benchHead(engine, vocab, vmf, m, reps));
  }
  return rows;
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(2);

export async function headsBenchReport(engine: Engine): Promise<BenchReport> {
  // A 50k softmax step takes tens of seconds on a software GPU: show progress as rows finish.
  const rows = await benchHeads(engine, (r) =>
    process.stderr.write(`  V=${r.vocab} ${r.head}${r.m ? ` m=${r.m}` : ''}: ${r.stepMs.toFixed(0)} ms/step\n`),
  );
  const table = new Table({
    head: [
      'V',
      'head',
      'm',
      'ms/step',
      'tokens/s',
      '× softmax',
      'decode tok/s',
      'params MiB',
      'Adam MiB',
      'frozen MiB',
    ],
    style: { compact: true },
  });
  for (const r of rows) {
    const softmax = rows.find((s) => s.vocab === r.vocab && s.m === undefined)!;
    table.push([
      r.vocab,
      r.head,
      r.m ?? '–',
      r.stepMs.toFixed(1),
      r.tokensPerSecond.toFixed(0),
      (softmax.stepMs / r.stepMs).toFixed(2),
      r.decodeTokensPerSecond.toFixed(0),
      mib(r.bytes.parameters),
      mib(r.bytes.optimizerState),
      mib(r.bytes.frozen),
    ]);
  }
  return {
    text: `Output layer, N=${tokens} tokens, d=${hiddenSize}: forward + backward + Adam per step\n${table.toString()}`,
    json: rows,
  };
}
