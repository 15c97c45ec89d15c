// `npm run bench -- memory` (and a section of the suite): the memory soak. The default comparison
// and a language-model preset train for 1,000 steps at the presets' own sizes, evaluating and
// checkpointing every 100 steps (a quarter of a shorter soak), never stopping early, and the
// engine's live GPU buffers and bytes are read after every step. Leak-free means: tensors hold the
// same bytes at every step, and buffers stop growing once every batch shape, evaluation and
// checkpoint has been seen (a translation batch of a length not seen before may need buffers of new
// pool sizes; that growth is bounded). On SwiftShader the soak takes long (20 steps of both took 19
// minutes here, mostly evaluating): CONTINUUM_SOAK_STEPS shortens it.
import Table from 'cli-table3';
import { readNodeAsset } from '../../data/assetsNode';
import { defaultPresetName, resolvePreset } from '../../experiments/presets';
import type { Engine } from '../../tensor/engine';
import { runComparison } from '../../train/compare';
import { firstGrowth, memoryTrace, type MemoryPoint } from '../../train/memoryTrace';
import { adapterLine } from '../format';
import type { BenchReport } from './report';
import { envIntegers } from './training';

export interface SoakRow {
  preset: string;
  steps: number;
  /** Snapshots at steps 2, 100, 500, 1000 (those reached) and the last step. */
  at: MemoryPoint[];
  /** Whether buffers and bytes after step 2 never exceeded step 2's. */
  flatAfterStep2: boolean;
  /** The step after which no snapshot held more buffers or bytes than an earlier one. */
  growthStoppedAt: number;
  /** Whether the tensors alive between steps held the same bytes at every step. */
  tensorsFlat: boolean;
}

const soakPresets = [defaultPresetName, 'lm-bottleneck'];

/** Steps between evaluations and between checkpoints. */
const intervalOf = (steps: number) => Math.max(1, Math.min(100, Math.floor(steps / 4)));

/** The last snapshot that held more live buffers or bytes than every snapshot before it: where growth stopped. */
function lastGrowth(points: readonly MemoryPoint[]): MemoryPoint | undefined {
  let [buffers, bytes] = [0, 0];
  let last: MemoryPoint | undefined;
  for (const p of points) {
    if (p.buffers > buffers || p.bytes > bytes) last = p;
    buffers = Math.max(buffers, p.buffers);
    bytes = Math.max(bytes, p.bytes);
  }
  return last;
}

async function soak(engine: Engine, preset: string, steps: number): Promise<SoakRow> {
  const every = intervalOf(steps);
  const { runs } = resolvePreset(preset, {
    'train.steps': steps,
    'train.evalEvery': every,
    'train.checkpointEvery': every,
    'train.patience': 0,
  });
  const { points, onProgress } = memoryTrace(engine, (event) => {
    if (event.kind === 'step' && event.step % 10 === 0)
      process.stderr.write(`\r  ${preset}: step ${event.step}/${steps}`);
  });
  const record = await runComparison({
    engine,
    read: readNodeAsset,
    adapter: adapterLine(engine.gpu.adapter),
    runs,
    onProgress,
  });
  process.stderr.write('\n');
  const failed = record.runs.find((r) => r.status === 'failed');
  if (failed) throw new Error(`${preset} ${failed.label}: ${failed.error}`);
  const marks = new Set([2, 100, 500, 1000, steps].filter((s) => s <= steps));
  return {
    preset,
    steps,
    at: points.filter((p) => marks.has(p.step)),
    flatAfterStep2: firstGrowth(points, 2) === undefined,
    growthStoppedAt: lastGrowth(points)?.step ?? 0,
    tensorsFlat: new Set(points.map((p) => p.tensorBytes)).size <= 1,
  };
}

/** Both presets, one after the other on one engine; `steps` defaults to CONTINUUM_SOAK_STEPS or 1,000. */
export async function memorySoak(engine: Engine, steps = envIntegers('CONTINUUM_SOAK_STEPS', [1000], 2)[0]!) {
  const rows: SoakRow[] = [];
  for (const preset of soakPresets) rows.push(await soak(engine, preset, steps));
  return rows;
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(2);

/** One line per snapshot: buffers and MiB in all, tensors' MiB, and the staging buffers among them. */
export function soakTable(rows: SoakRow[]): string[][] {
  return rows.flatMap((row) =>
    row.at.map((p) => [
      row.preset,
      String(p.step),
      String(p.buffers),
      mib(p.bytes),
      mib(p.tensorBytes),
      String(p.byRole.staging.buffers),
      p.step === row.at.at(-1)!.step
        ? `${row.flatAfterStep2 ? 'flat after step 2' : `grew until step ${row.growthStoppedAt}`}; tensors ${row.tensorsFlat ? 'flat' : 'GREW'}`
        : '',
    ]),
  );
}

export const soakHead = ['preset', 'step', 'live buffers', 'live MiB', 'tensor MiB', 'staging buffers', 'verdict'];

export async function memoryBenchReport(engine: Engine): Promise<BenchReport> {
  const rows = await memorySoak(engine);
  const steps = rows[0]?.steps ?? 0;
  const table = new Table({ head: soakHead, style: { compact: true } });
  table.push(...soakTable(rows));
  return {
    text: `Memory soak, ${steps} steps per preset, evaluations and checkpoints every ${intervalOf(steps)}\n${table.toString()}`,
    json: { steps, interval: intervalOf(steps), rows },
  };
}
