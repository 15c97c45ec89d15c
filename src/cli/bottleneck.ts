// `continuum bottleneck`: the synthetic softmax-bottleneck sweep (every head at every hidden size d)
// with a table of mode-matching accuracy and KL(p* ‖ q) per d, and the rows as JSON.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import Table from 'cli-table3';
import { numericRank, parseBottleneckConfig, type BottleneckConfig } from '../experiments/bottleneck';
import { parseAssignments } from '../experiments/overrides';
import { headSpecLabel } from '../heads';
import { runBottleneck, type BottleneckRow } from '../train/bottleneck';
import { kernelLines, openEngine } from './engine';
import { adapterLine } from './format';

export interface BottleneckCommandOptions {
  /** Top-level settings as key=value (JSON values), e.g. dims=[2,8,32] or steps=200. */
  set?: string[];
  out?: string;
  quiet?: boolean;
}

/** Rows d; per head, mode accuracy (%) and KL (nats). */
function bottleneckTable(config: BottleneckConfig, rows: BottleneckRow[]): string {
  const labels = config.heads.map(headSpecLabel);
  const table = new Table({ head: ['d', ...labels.flatMap((l) => [`${l} mode acc %`, `${l} KL`])] });
  for (const d of config.dims) {
    table.push([
      String(d),
      ...labels.flatMap((label) => {
        const row = rows.find((r) => r.d === d && r.head === label);
        return row ? [(100 * row.modeAccuracy).toFixed(1), row.kl.toFixed(3)] : ['–', '–'];
      }),
    ]);
  }
  return table.toString();
}

export async function bottleneckCommand(options: BottleneckCommandOptions): Promise<number> {
  const config = parseBottleneckConfig(parseAssignments(options.set ?? []));
  const { engine, kernels } = await openEngine();
  const adapter = adapterLine(engine.gpu.adapter);
  const log = (text: string) => options.quiet || console.error(text);
  log(`${adapter}\n${kernelLines(kernels)}`);
  const started = performance.now();
  const { task, rows } = await runBottleneck(engine, config, {
    onProgress(p) {
      if (p.done === p.total)
        log(
          `${p.head} d=${p.d}: ${p.total} steps done (${((performance.now() - started) / 1000).toFixed(0)} s so far)`,
        );
    },
  });
  // The rank shows how far above every d the target log-probability matrix is (Jacobi SVD: O(N·V·min(N,V)) per sweep).
  const rank = numericRank(task.logProbs, task.contexts, task.vocab);
  console.log(
    `Synthetic bottleneck: N=${task.contexts} contexts, V=${task.vocab}, temperature ${config.temperature}, H(p*) = ${task.entropy.toFixed(3)} nats, rank(log p*) = ${rank}, ${config.steps} steps × ${config.samplesPerContext} samples per context`,
  );
  console.log(bottleneckTable(config, rows));
  if (options.out) {
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(
      options.out,
      JSON.stringify(
        { format: 'continuum-bottleneck', adapter, config, entropy: task.entropy, logProbRank: rank, rows },
        null,
        2,
      ),
    );
    log(`Wrote ${options.out}`);
  }
  return rows.every((r) => Number.isFinite(r.kl) && Number.isFinite(r.modeAccuracy)) ? 0 : 1;
}
