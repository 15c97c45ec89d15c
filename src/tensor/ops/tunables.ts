// Every kernel decision timed per adapter (tuning.ts), and one call that settles them all for an
// engine: the CLI, the page's self-test and its workers call it before any work.
import type { Engine } from '../engine';
import type { KernelChoiceStore } from '../kernelChoices';
import { describeChoice, tune, type KernelChoice, type TuneOptions, type Tunable } from '../tuning';
import { matmulTunable } from './matmulVariants';
import { topKTunable } from './nearest';

export const tunables: readonly Tunable[] = [matmulTunable, topKTunable];

/** How one decision went: the line the self-test shows, or why timing failed (the adapter default then stays). */
export type TunedKernel =
  | { name: string; choice: string; source: KernelChoice['source']; line: string }
  | { name: string; error: string };

/**
 * Settles every decision for this engine from the store, timing those it lacks (unless
 * `timeIfMissing` is false: then they keep the adapter's default). A failed timing is reported, not
 * thrown.
 */
export async function tuneKernels(
  engine: Engine,
  store?: KernelChoiceStore,
  { timeIfMissing }: Pick<TuneOptions, 'timeIfMissing'> = {},
): Promise<TunedKernel[]> {
  const tuned: TunedKernel[] = [];
  for (const tunable of tunables) {
    try {
      const result = await tune(engine, tunable, { store, timeIfMissing });
      tuned.push({
        name: tunable.name,
        choice: result.choice,
        source: result.source,
        line: describeChoice(tunable, result),
      });
    } catch (error) {
      tuned.push({ name: tunable.name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return tuned;
}

/** The self-test's lines, one per decision. */
export function describeTuned(tuned: readonly TunedKernel[]): string[] {
  return tuned.map((t) =>
    'error' in t ? `${t.name}: timing failed (${t.error}); the adapter's default stays` : t.line,
  );
}

/** Whether a decision still runs on the adapter's guess: nothing stored for this adapter yet. */
export const untimed = (tuned: readonly TunedKernel[]) =>
  tuned.some((t) => 'source' in t && t.source === 'adapter default');
