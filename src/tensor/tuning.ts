// Kernel decisions timed per adapter. Where two implementations of one op give the same result but
// their speed depends on the hardware (register blocks win on SwiftShader, workgroup tiles on real
// GPUs; a fused top-k search against matmul + top-k), a Tunable names the candidates and how to
// time them. `tune` times every candidate once per adapter and keeps the winner in a
// KernelChoiceStore, so later engines on the same adapter and kernel code skip the timing; the op
// reads the engine's current choice at dispatch.
import { z } from '../zod';
import type { Engine } from './engine';
import type { KernelChoiceStore } from './kernelChoices';

export interface Tunable<C extends string = string> {
  /** What is decided, e.g. "matmul"; part of the store key and of the self-test line. */
  name: string;
  candidates: readonly C[];
  /** Changes with the candidates' code (a hash of their sources), so a stored choice is timed again. */
  version(): string;
  /** The choice before any timing, from what the adapter says it is. */
  adapterDefault(engine: Engine): C;
  /** The workload `time` runs, for the self-test line ("a 256³ product"). */
  workload: string;
  /**
   * Median ms of the workload with this candidate, compilation excluded. A candidate whose first
   * timed run exceeds `giveUpAboveMs` has lost already: that run may stand for the median.
   */
  time(engine: Engine, candidate: C, options: { giveUpAboveMs: number }): Promise<number>;
}

export interface KernelChoice<C extends string = string> {
  choice: C;
  /**
   * How it was decided: measured now, read from the store (measured by an earlier run on this
   * adapter with the same code), set explicitly, or guessed from the adapter's name.
   */
  source: 'timed' | 'cached' | 'set' | 'adapter default';
  /** Median ms per candidate on the tunable's workload (when timed or cached). */
  timings?: Partial<Record<C, number>>;
}

/**
 * A candidate whose first timed run is this many times the best median so far is not timed further:
 * run-to-run noise is a few per cent, so it cannot win, and the losers are the slow ones to time
 * (the tiled matmul and the fused top-k on SwiftShader, seconds per run).
 */
const giveUpFactor = 3;

const chosen = new WeakMap<Engine, Map<string, KernelChoice>>();

function choicesOf(engine: Engine): Map<string, KernelChoice> {
  let map = chosen.get(engine);
  if (!map) chosen.set(engine, (map = new Map()));
  return map;
}

/** What this engine runs for `tunable`, with how it was decided. */
export function currentChoice<C extends string>(engine: Engine, tunable: Tunable<C>): KernelChoice<C> {
  return (
    (choicesOf(engine).get(tunable.name) as KernelChoice<C> | undefined) ?? {
      choice: tunable.adapterDefault(engine),
      source: 'adapter default',
    }
  );
}

/** Forces a candidate for every later dispatch on this engine (tests, benchmarks, a user's override). */
export function setChoice<C extends string>(engine: Engine, tunable: Tunable<C>, choice: C): void {
  choicesOf(engine).set(tunable.name, { choice, source: 'set' });
}

/** Store key: the decision, the code version, and the adapter as it names itself. */
function storeKey(engine: Engine, tunable: Tunable, version: string): string {
  const { vendor, architecture, device, description } = engine.gpu.adapter;
  return [tunable.name, version, vendor, architecture, device, description].join(' | ');
}

export interface TuneOptions {
  /** Where choices persist between runs (a JSON file in Node, IndexedDB in the page). */
  store?: KernelChoiceStore;
  /** Overrides the code version (tests). */
  version?: string;
  /**
   * false: a decision the store lacks keeps the adapter's default instead of being timed now, so work
   * can start at once (the page's training worker times it after its comparison).
   */
  timeIfMissing?: boolean;
}

/**
 * The candidate for this engine: the stored choice for its adapter and code version, or else every
 * candidate timed, the fastest kept and stored (or, with `timeIfMissing: false`, the adapter's
 * default, untimed). A stored entry that does not parse (an older format, a hand edit, a candidate
 * that no longer exists) counts as missing.
 */
export async function tune<C extends string>(
  engine: Engine,
  tunable: Tunable<C>,
  { store, version = tunable.version(), timeIfMissing = true }: TuneOptions = {},
): Promise<KernelChoice<C>> {
  const key = storeKey(engine, tunable as Tunable, version);
  const candidate = z.enum(tunable.candidates as readonly [C, ...C[]]);
  const stored = z
    .object({ choice: candidate, timings: z.partialRecord(candidate, z.number().positive()) })
    .safeParse(await store?.get(key));
  let result: KernelChoice<C>;
  if (stored.success) {
    result = {
      choice: stored.data.choice as C,
      timings: stored.data.timings as Partial<Record<C, number>>,
      source: 'cached',
    };
  } else if (!timeIfMissing) {
    result = { choice: tunable.adapterDefault(engine), source: 'adapter default' };
  } else {
    const timings: Partial<Record<C, number>> = {};
    // The likely winner first, so that a candidate far behind it stops after one timed run.
    const first = tunable.adapterDefault(engine);
    for (const c of [first, ...tunable.candidates.filter((c) => c !== first)]) {
      const best = Math.min(...Object.values<number>(timings as Record<C, number>));
      timings[c] = await tunable.time(engine, c, { giveUpAboveMs: giveUpFactor * best });
    }
    const choice = tunable.candidates.reduce((best, c) => (timings[c]! < timings[best]! ? c : best));
    result = { choice, timings, source: 'timed' };
    await store?.set(key, { choice, timings });
  }
  choicesOf(engine).set(tunable.name, result);
  return result;
}

/** FNV-1a of kernel sources, for `Tunable.version`: any change to a candidate's code re-times it on every adapter. */
export function hashSources(sources: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const source of sources) {
    for (const ch of `${source}\n`) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** One line for the self-test: the choice, and whether it was timed now or read from the store. */
export function describeChoice(tunable: Tunable, { choice, source, timings }: KernelChoice): string {
  // In the tunable's own order, whichever was timed first.
  const timed = tunable.candidates
    .filter((c) => timings?.[c] !== undefined)
    .map((c) => `${c} ${timings![c]!.toFixed(1)} ms`)
    .join(', ');
  const how =
    source === 'timed'
      ? `timed now on ${tunable.workload}`
      : source === 'cached'
        ? `cached, timed earlier on this adapter on ${tunable.workload}`
        : source === 'adapter default'
          ? 'adapter default, not timed on this adapter yet'
          : source;
  return `${tunable.name}: ${choice} (${how}${timed ? `: ${timed}` : ''})`;
}
