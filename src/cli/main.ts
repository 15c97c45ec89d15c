// `continuum` command line: the same engine as the page, headless through Dawn.
import { Command, CommanderError } from 'commander';
import { acquireNodeGpu } from '../gpu/nodeGpu';
import { GpuError } from '../gpu';
import { Engine } from '../tensor/engine';
import { allChecks, runSelfTest } from '../selftest';
import { chooseMatmulVariant } from '../tensor/ops/matmulVariants';
import { adapterLine, selfTestTable } from './format';
import { benchmarks } from './bench';

async function selfTest(options: { json?: boolean; filter?: string }): Promise<number> {
  const engine = new Engine(await acquireNodeGpu());
  const matmul = await chooseMatmulVariant(engine);
  const checks = options.filter ? allChecks.filter((c) => c.kernel.includes(options.filter!)) : allChecks;
  const results = await runSelfTest(engine, checks, (r, i, n) => {
    if (!options.json && process.stderr.isTTY) process.stderr.write(`\r${i}/${n} ${r.kernel}`.padEnd(60));
  });
  if (!options.json && process.stderr.isTTY) process.stderr.write('\r'.padEnd(61) + '\r');
  const failed = results.filter((r) => !r.pass).length;
  if (options.json) {
    console.log(JSON.stringify({ adapter: engine.gpu.adapter, matmul, passed: results.length - failed, failed, results }, null, 2));
  } else {
    console.log(adapterLine(engine.gpu.adapter));
    console.log(`Matmul variant chosen for this adapter: ${matmul.variant} (timed at ${matmul.size}³: ${Object.entries(matmul.timings ?? {}).map(([v, ms]) => `${v} ${ms.toFixed(1)} ms`).join(', ')})`);
    console.log(selfTestTable(results));
    console.log(`${results.length - failed} passed, ${failed} failed`);
  }
  return failed > 0 ? 1 : 0;
}

async function bench(names: string[], options: { json?: boolean }): Promise<number> {
  const unknown = names.filter((n) => !(n in benchmarks));
  if (unknown.length) {
    console.error(`Unknown benchmark: ${unknown.join(', ')}. Available: ${Object.keys(benchmarks).join(', ')}`);
    return 2;
  }
  const engine = new Engine(await acquireNodeGpu());
  console.error(adapterLine(engine.gpu.adapter));
  for (const name of names.length ? names : Object.keys(benchmarks)) {
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
    .description(`time kernels on this machine's GPU (${Object.keys(benchmarks).join(', ')}; default all)`)
    .argument('[names...]', 'benchmarks to run')
    .option('--json', 'print the results as JSON')
    .action(async (names: string[], options: { json?: boolean }) => {
      exitCode = await bench(names, options);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof GpuError) {
      console.error(`continuum: ${error.message}`);
      return 1;
    }
    throw error;
  }
  return exitCode;
}
