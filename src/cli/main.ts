// `continuum` command line: the same engine as the page, headless through Dawn.
import { Command, CommanderError } from 'commander';
import { GpuError } from '../gpu';
import { allChecks, runSelfTest } from '../selftest';
import { kernelLines, openEngine } from './engine';
import { adapterLine, selfTestTable } from './format';
import { benchmarks } from './bench';
import { benchCheck, defaultBaseline } from './bench/check';
import { runSuite } from './bench/suite';
import { bottleneckCommand, type BottleneckCommandOptions } from './bottleneck';
import { evalCommand, trainCommand, type TrainCommandOptions } from './train';
import { exportCommand, type ExportCommandOptions } from './export';
import { defaultPresetName, presets } from '../experiments/presets';
import { reproduceCommand, type ReproduceOptions } from './reproduce';
import { partNames } from './reproduce/suite';

async function selfTest(options: { json?: boolean; filter?: string }): Promise<number> {
  const { engine, kernels } = await openEngine();
  const checks = options.filter ? allChecks.filter((c) => c.kernel.includes(options.filter!)) : allChecks;
  const results = await runSelfTest(engine, checks, (r, i, n) => {
    if (!options.json && process.stderr.isTTY) process.stderr.write(`\r${i}/${n} ${r.kernel}`.padEnd(60));
  });
  if (!options.json && process.stderr.isTTY) process.stderr.write(`${'\r'.padEnd(61)}\r`);
  const failed = results.filter((r) => !r.pass).length;
  if (options.json) {
    console.log(
      JSON.stringify(
        { adapter: engine.gpu.adapter, kernels, passed: results.length - failed, failed, results },
        null,
        2,
      ),
    );
  } else {
    console.log(adapterLine(engine.gpu.adapter));
    console.log(`Kernels chosen for this adapter:\n${kernelLines(kernels)}`);
    console.log(selfTestTable(results));
    console.log(`${results.length - failed} passed, ${failed} failed`);
  }
  return failed > 0 ? 1 : 0;
}

async function bench(names: string[], options: { json?: boolean; out?: string; quick?: boolean }): Promise<number> {
  const unknown = names.filter((n) => !(n in benchmarks));
  if (unknown.length) {
    console.error(`Unknown benchmark: ${unknown.join(', ')}. Available: ${Object.keys(benchmarks).join(', ')}`);
    return 2;
  }
  const { engine, kernels } = await openEngine();
  console.error(`${adapterLine(engine.gpu.adapter)}\n${kernelLines(kernels)}`);
  if (options.quick && names.length > 0) {
    console.error('--quick shortens the suite; it does not apply to a named benchmark');
    return 2;
  }
  if (names.length === 0) {
    const stamp = new Date().toISOString().slice(0, 16).replace(':', '-');
    const out = options.out ?? `bench/results/bench-${options.quick ? 'quick-' : ''}${stamp}`;
    const report = await runSuite(engine, { out, quick: options.quick ?? false });
    console.log(options.json ? JSON.stringify(report, null, 2) : report.markdown);
    return 0;
  }
  for (const name of names) {
    const report = await benchmarks[name]!(engine);
    console.log(options.json ? JSON.stringify(report.json, null, 2) : report.text);
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('continuum')
    .description('Continuum: WebGPU training engine for comparing softmax and continuous output layers')
    .exitOverride();
  program
    .command('selftest')
    .description("run every kernel on this machine's GPU against float64 CPU references")
    .option('--json', 'print the results as JSON')
    .option('--filter <text>', 'only kernels whose name contains this text')
    .action(async (options: { json?: boolean; filter?: string }) => {
      exitCode = await selfTest(options);
    });
  program
    .command('bench')
    .description(
      `the benchmark suite (no name: JSON + markdown, TF.js included), or one detailed benchmark (${Object.keys(benchmarks).join(', ')})`,
    )
    .argument('[names...]', 'detailed benchmarks to run instead of the suite')
    .option('--json', 'print the results as JSON')
    .option('--out <prefix>', 'the suite writes <prefix>.json and <prefix>.md (default bench/results/bench-<date>)')
    .option(
      '--quick',
      'a short suite: TF.js at 1024³ and 2048³, the logits products, the training step at V = 5k and 50k',
    )
    .action(async (names: string[], options: { json?: boolean; out?: string; quick?: boolean }) => {
      exitCode = await bench(names, options);
    });
  program
    .command('bench-check')
    .description('compare a suite report with a baseline; lists every figure more than 20 % worse (always exits 0)')
    .argument('<report.json>', 'a report written by `npm run bench`')
    .argument('[baseline.json]', `the baseline (default ${defaultBaseline})`)
    .action(async (report: string, baseline: string | undefined) => {
      exitCode = await benchCheck(report, baseline);
    });
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  const integer = (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`expected a non-negative integer, got '${value}'`);
    return n;
  };
  const trainingOptions = (command: Command) =>
    command
      .option('--preset <name>', `experiment preset (${Object.keys(presets).join(', ')})`, defaultPresetName)
      .option('--set <path=value>', 'override a setting, e.g. --set train.steps=500 (repeatable)', collect)
      .option('--out <file.json>', 'write the run record as JSON, with .metrics.csv and .evals.csv beside it')
      .option('--checkpoint-dir <dir>', 'where to write checkpoints (every train.checkpointEvery steps)')
      .option('--resume <file.ckpt>', 'continue from a checkpoint')
      .option('--decode <n>', 'validation sentences decoded greedily for BLEU at each evaluation', integer)
      .option('--quiet', 'no progress bar')
      .option('--profile', 'time every kernel to split steps into forward / backward / optimizer (slower)');
  trainingOptions(
    program
      .command('train')
      .description("train one variant of a preset (the first unless --variant) on this machine's GPU"),
  )
    .option('--variant <index>', 'which variant of the preset to train', integer, 0)
    .action(async (options: TrainCommandOptions) => {
      exitCode = await trainCommand(options);
    });
  trainingOptions(
    program
      .command('compare')
      .description('train every variant of a preset side by side, interleaved, on the same batches'),
  ).action(async (options: Omit<TrainCommandOptions, 'variant'>) => {
    exitCode = await trainCommand(options);
  });
  program
    .command('bottleneck')
    .description(
      'synthetic softmax-bottleneck sweep: every discrete head at every hidden size d on seeded Gaussian-logit targets',
    )
    .option('--set <key=value>', 'override a setting, e.g. --set dims=[2,8,32] --set steps=200 (repeatable)', collect)
    .option('--out <file.json>', 'write the rows as JSON')
    .option('--quiet', 'no progress lines')
    .action(async (options: BottleneckCommandOptions) => {
      exitCode = await bottleneckCommand(options);
    });
  program
    .command('reproduce')
    .description(
      'run what is left of the results suite (resumable: finished runs are kept, interrupted ones continue from their checkpoints), then write docs/results.md',
    )
    .option(
      '--scale <scale>',
      "small: the repository's results, hours on a software GPU; paper: the papers' sizes, for a real GPU",
      'small',
    )
    .option(
      '--only <part...>',
      `only these parts (${partNames.join(', ')}), or one run of a part as PART/RUN, named as its record (language-model/softmax-seed1)`,
    )
    .option(
      '--out <dir>',
      'records, checkpoints and figures go here, the document beside it as <dir>.md (default docs/results, or docs/results-paper)',
    )
    .option('--report-only', 'only rewrite the document from the records already there')
    .action(async (options: ReproduceOptions) => {
      exitCode = await reproduceCommand(options, ['continuum', ...argv].join(' '));
    });
  program
    .command('eval')
    .description('evaluate a checkpoint on its validation set (loss, accuracy, perplexity, BrierLM, BLEU)')
    .requiredOption('--checkpoint <file.ckpt>', 'checkpoint written by train or compare')
    .option('--out <file.json>', 'write the record as JSON and CSV')
    .option('--decode <n>', 'validation sentences decoded greedily for BLEU', integer)
    .action(async (options: { checkpoint: string; out?: string; decode?: number }) => {
      exitCode = await evalCommand(options);
    });
  program
    .command('export')
    .description(
      "write a checkpoint's weights as safetensors: every parameter, the target table, the vocabularies and the configuration",
    )
    .requiredOption('--checkpoint <file.ckpt>', 'checkpoint written by train or compare')
    .requiredOption('--out <file.safetensors>', 'the file to write')
    .action(async (options: ExportCommandOptions) => {
      exitCode = await exportCommand(options);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof GpuError || error instanceof Error) {
      console.error(`continuum: ${error.message}`);
      return 1;
    }
    throw error;
  }
  return exitCode;
}
