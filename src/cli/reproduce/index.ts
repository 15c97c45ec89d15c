// `continuum reproduce`: runs what is left of the results suite on this machine's GPU, then writes
// docs/results.md (tables, figures, readings) from every record there is, finished parts or not.
import { adapterLine } from '../format';
import { kernelLines, openEngine } from '../engine';
import { writeReport, type Shipped } from './report';
import { runPart, type SuiteContext } from './runner';
import { partNames, runIds, scales, suiteParts, type Part, type PartName, type Scale } from './suite';

export interface ReproduceOptions {
  scale: string;
  only?: string[];
  out?: string;
  /** Only rewrite the document from the records already there. */
  reportOnly?: boolean;
}

/** What the page opens on: seed 1 of the two main heads of the King James → World English part. */
const shippedComparison: Shipped = {
  file: 'public/results/kjv-web.json',
  part: 'translation-kjv-web',
  ids: ['softmax-seed1', 'nllvmf-log-1-0-2-cos-seed1'],
  preset: 'kjv-web',
  title: 'King James → World English: softmax vs NLLvMF',
};

/**
 * `--only` entries, `PART` or `PART/RUN` (a record's name, e.g. `language-model/softmax-seed1`): each
 * wanted part with the runs asked for, or undefined for all of them. No entries: every part.
 */
function chosenRuns(only: readonly string[], parts: readonly Part[]): Map<PartName, Set<string> | undefined> {
  const wanted = new Map<PartName, Set<string> | undefined>();
  if (only.length === 0) for (const name of partNames) wanted.set(name, undefined);
  for (const entry of only) {
    const [name, run] = entry.split('/', 2) as [string, string | undefined];
    if (!(partNames as readonly string[]).includes(name))
      throw new Error(`Unknown part ${name} in --only ${entry}; the parts are ${partNames.join(', ')}`);
    const part = name as PartName;
    if (run === undefined) {
      wanted.set(part, undefined);
      continue;
    }
    const ids = runIds(parts.find((p) => p.name === part)!);
    if (!ids.includes(run)) throw new Error(`Part ${part} has no run ${run}; its runs are ${ids.join(', ')}`);
    if (wanted.has(part) && wanted.get(part) === undefined) continue;
    wanted.set(part, new Set([...(wanted.get(part) ?? []), run]));
  }
  return wanted;
}

/** docs/results for the small suite (the repository's results), docs/results-paper for the other. */
const defaultOut = (scale: Scale) => (scale === 'small' ? 'docs/results' : `docs/results-${scale}`);

export async function reproduceCommand(options: ReproduceOptions, command: string): Promise<number> {
  if (!(scales as readonly string[]).includes(options.scale))
    throw new Error(`--scale must be one of ${scales.join(', ')}, got '${options.scale}'`);
  const scale = options.scale as Scale;
  const out = options.out ?? defaultOut(scale);
  const parts = suiteParts(scale);
  const wanted = chosenRuns(options.only ?? [], parts);
  let complete = true;
  if (!options.reportOnly) {
    const { engine, kernels } = await openEngine();
    const adapter = adapterLine(engine.gpu.adapter);
    console.error(`${adapter}\n${kernelLines(kernels)}`);
    // The first Ctrl-C (or SIGTERM) lets the run in progress checkpoint and stop; a second one kills.
    let interrupted = false;
    const interrupt = () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      console.error('Stopping: checkpointing the run in progress (press Ctrl-C again to quit at once)');
    };
    process.on('SIGINT', interrupt).on('SIGTERM', interrupt);
    const context: SuiteContext = {
      engine,
      adapter,
      out,
      scale,
      command,
      log: (line) => console.error(line),
      interrupted: () => interrupted,
    };
    for (const part of parts.filter((p) => wanted.has(p.name as PartName))) {
      if (interrupted) break;
      complete = (await runPart(context, part, wanted.get(part.name as PartName))) && complete;
    }
    process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
  }
  // Only the repository's own suite replaces the page's recorded comparison.
  const shipped = scale === 'small' && options.out === undefined ? shippedComparison : undefined;
  const written = await writeReport({ out, scale, parts, ...(shipped ? { shipped } : {}) });
  console.error(`Wrote ${written.join(', ')}`);
  return complete ? 0 : 1;
}
