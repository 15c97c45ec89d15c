// `npm run bench -- bottleneck`: one output-layer training step of the softmax-bottleneck fixes
// against the plain softmax on the same hidden states: PLIF (K = 100,000, Ganea et al.) and a
// mixture of K = 15 softmaxes (Yang et al.). N = 1024 tokens, d = 256, as in `bench heads`.
// MoS materialises N·K logit rows, so it runs at V = 1k only.
import Table from 'cli-table3';
import type { HeadSpec } from '../../heads';
import type { Engine } from '../../tensor/engine';
import { benchHead, type HeadBenchRow } from './heads';
import type { BenchReport } from './report';

const cases: { vocab: number; specs: HeadSpec[] }[] = [
  { vocab: 1000, specs: [{ kind: 'softmax' }, { kind: 'plif' }, { kind: 'mos' }] },
  { vocab: 10000, specs: [{ kind: 'softmax' }, { kind: 'plif' }] },
];

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

export async function bottleneckBenchReport(engine: Engine): Promise<BenchReport> {
  const rows: HeadBenchRow[] = [];
  for (const { vocab, specs } of cases) {
    for (const spec of specs) {
      const row = await benchHead(engine, vocab, spec, undefined, 3);
      process.stderr.write(`  V=${vocab} ${row.head}: ${row.stepMs.toFixed(0)} ms/step\n`);
      rows.push(row);
    }
  }
  const table = new Table({
    head: ['V', 'head', 'ms/step', '× softmax time', 'params', 'params + Adam MiB', 'step MiB', 'extra step MiB'],
    style: { compact: true },
  });
  for (const r of rows) {
    const softmax = rows.find((s) => s.vocab === r.vocab && s.head === 'softmax')!;
    table.push([
      r.vocab,
      r.head,
      r.stepMs.toFixed(1),
      (r.stepMs / softmax.stepMs).toFixed(2),
      r.paramCount,
      mib(r.bytes.parameters + r.bytes.optimizerState),
      mib(r.stepBytes),
      mib(r.stepBytes - softmax.stepBytes),
    ]);
  }
  return {
    text: `Softmax-bottleneck heads, N=1024 tokens, d=256: forward + backward + Adam per step\n${table.toString()}`,
    json: rows,
  };
}
