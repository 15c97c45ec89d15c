// `npm run bench:check -- new.json [baseline.json]`: compares a suite report with a baseline and
// lists every figure more than 20 % worse. A report, not a gate: these machines are noisy, so it
// exits 0 either way (2 only when a file cannot be read).
import { readFile } from 'node:fs/promises';
import Table from 'cli-table3';
import { z } from '../../zod';

const figureSchema = z.object({
  id: z.string(),
  value: z.number(),
  unit: z.string(),
  better: z.enum(['higher', 'lower']),
});
const reportSchema = z.object({
  format: z.literal('continuum-bench'),
  date: z.string(),
  figures: z.array(figureSchema),
});

export type BenchFigure = z.infer<typeof figureSchema>;
type BenchReport = z.infer<typeof reportSchema>;

export interface FigureChange {
  id: string;
  unit: string;
  baseline: number;
  current: number;
  /** Relative change in the figure's good direction: −0.25 = 25 % worse. */
  change: number;
}

/** Figures in both reports, each with its change; `regressions` are those worse than `tolerance`. */
export function compareFigures(
  baseline: BenchFigure[],
  current: BenchFigure[],
  tolerance = 0.2,
): { changes: FigureChange[]; regressions: FigureChange[]; missing: string[] } {
  const now = new Map(current.map((f) => [f.id, f]));
  const changes: FigureChange[] = [];
  const missing: string[] = [];
  for (const before of baseline) {
    const after = now.get(before.id);
    if (!after) {
      missing.push(before.id);
      continue;
    }
    const ratio = before.better === 'higher' ? after.value / before.value : before.value / after.value;
    changes.push({ id: before.id, unit: before.unit, baseline: before.value, current: after.value, change: ratio - 1 });
  }
  return { changes, regressions: changes.filter((c) => c.change < -tolerance), missing };
}

async function readReport(path: string): Promise<BenchReport> {
  const result = reportSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!result.success)
    throw new Error(
      `${path} is not a benchmark report written by \`npm run bench\`: ${result.error.issues[0]?.message ?? 'unexpected content'}`,
    );
  return result.data;
}

export const defaultBaseline = 'bench/baseline.json';

export async function benchCheck(currentPath: string, baselinePath = defaultBaseline): Promise<number> {
  let baseline: BenchReport;
  let current: BenchReport;
  try {
    [baseline, current] = await Promise.all([readReport(baselinePath), readReport(currentPath)]);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const { changes, regressions, missing } = compareFigures(baseline.figures, current.figures);
  const table = new Table({ head: ['figure', 'baseline', 'now', 'change'], style: { compact: true } });
  for (const c of changes)
    table.push([
      c.id,
      `${c.baseline.toPrecision(4)} ${c.unit}`,
      `${c.current.toPrecision(4)} ${c.unit}`,
      `${c.change >= 0 ? '+' : ''}${(100 * c.change).toFixed(0)} %${c.change < -0.2 ? '  ← worse' : ''}`,
    ]);
  console.log(
    `Baseline ${baselinePath} (${baseline.date}) against ${currentPath} (${current.date}); change in each figure's good direction.`,
  );
  console.log(table.toString());
  if (missing.length) console.log(`Not in the new report: ${missing.join(', ')}`);
  console.log(
    regressions.length
      ? `${regressions.length} figure(s) more than 20 % worse: ${regressions.map((r) => r.id).join(', ')}`
      : 'No figure is more than 20 % worse.',
  );
  return 0;
}
