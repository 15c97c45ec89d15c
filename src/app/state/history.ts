// Saved experiments: the list the history panel shows, and autosave of the comparison on screen.
// A comparison is saved every few seconds while it trains, whenever its state changes (a crashed
// worker, a lost device) and, through localStorage, as the page goes away (history/stash.ts); each
// new checkpoint is saved as it arrives, so the runs can resume from there.
import { create } from 'zustand';
import type { RunCheckpoint } from '../../train/protocol';
import type { ComparisonRecord, RunRecord } from '../../train/record';
import {
  HistoryUnavailableError,
  deleteExperiment,
  deleteRunCheckpoints,
  experimentTitle,
  listExperiments,
  loadRunCheckpoints,
  newExperimentId,
  saveExperiment,
  saveRunCheckpoint,
  type ExperimentSummary,
  type SavedExperiment,
} from '../history/db';
import { recoverStashedExperiments, stashExperiment } from '../history/stash';

/** Longest gap between saves of a training comparison. */
export const autosaveMs = 2000;

interface HistoryState {
  entries: ExperimentSummary[];
  /** Why history cannot be kept (no IndexedDB, storage full …). */
  unavailable?: string;
  /** The saved entry the comparison on screen belongs to. */
  currentId?: string;
  refresh(): Promise<void>;
  /**
   * Starts a new entry for a comparison that just started or was imported. `comparison` (the
   * training store's comparisonsStarted) makes it idempotent: the same comparison keeps its entry
   * when the page's effects run again.
   */
  beginEntry(comparison?: number): void;
  /** Saves the comparison on screen under the current entry. */
  save(records: RunRecord[], preset: string | undefined, url: string): Promise<void>;
  /** As the page goes away: keeps the comparison on screen for the next page to save (history/stash.ts). */
  stash(records: RunRecord[], preset: string | undefined, url: string): void;
  /** Saves what a previous page stashed, then lists the entries. */
  recoverStashes(): Promise<void>;
  remove(id: string): Promise<void>;
  /** Makes `id` the current entry (an opened or imported comparison). */
  adopt(id: string): void;
  /** Saves, under the current entry, the checkpoints not saved yet. */
  saveCheckpoints(checkpoints: readonly (RunCheckpoint | undefined)[]): Promise<void>;
  /** The checkpoints saved under `id`, by run index. */
  loadCheckpoints(id: string): Promise<(RunCheckpoint | undefined)[]>;
  /** Drops the current entry's checkpoints: its comparison finished, nothing is left to resume. */
  forgetCheckpoints(): Promise<void>;
}

/** The comparison the current entry was begun for (beginEntry). */
let entryComparison: number | undefined;
/** Checkpoints already in IndexedDB (saved or loaded from there): each can be tens of megabytes. */
const stored = new WeakSet<RunCheckpoint>();
/** Checkpoint writes and deletes in order, so a delete never lands before an earlier write. */
let checkpointWrites: Promise<void> = Promise.resolve();

function problem(error: unknown): string {
  return error instanceof HistoryUnavailableError || error instanceof Error ? error.message : String(error);
}

function comparisonOf(records: RunRecord[], preset: string | undefined): ComparisonRecord {
  return { format: 'continuum-comparison', formatVersion: 1, ...(preset ? { preset } : {}), runs: records };
}

function entryOf(id: string, records: RunRecord[], preset: string | undefined, url: string): SavedExperiment {
  const comparison = comparisonOf(records, preset);
  return { id, savedAt: new Date().toISOString(), title: experimentTitle(comparison), url, comparison };
}

export const useHistoryStore = create<HistoryState>()((set, get) => ({
  entries: [],

  async refresh() {
    try {
      set({ entries: await listExperiments(), unavailable: undefined });
    } catch (error) {
      set({ unavailable: problem(error) });
    }
  },

  beginEntry(comparison) {
    if (comparison !== undefined && comparison === entryComparison) return;
    entryComparison = comparison;
    set({ currentId: newExperimentId() });
  },

  async save(records, preset, url) {
    const id = get().currentId ?? newExperimentId();
    if (records.length === 0) return;
    try {
      await saveExperiment(entryOf(id, records, preset, url));
      set({ currentId: id });
      await get().refresh();
    } catch (error) {
      set({ unavailable: problem(error) });
    }
  },

  stash(records, preset, url) {
    const id = get().currentId;
    if (id !== undefined && records.length > 0) stashExperiment(entryOf(id, records, preset, url));
  },

  async recoverStashes() {
    try {
      await recoverStashedExperiments();
    } catch (error) {
      set({ unavailable: problem(error) });
    }
    await get().refresh();
  },

  async remove(id) {
    try {
      await deleteExperiment(id);
      if (get().currentId === id) set({ currentId: undefined });
      await get().refresh();
    } catch (error) {
      set({ unavailable: problem(error) });
    }
  },

  adopt(id) {
    set({ currentId: id });
  },

  saveCheckpoints(checkpoints) {
    const id = get().currentId;
    if (id === undefined) return checkpointWrites;
    checkpoints.forEach((checkpoint, run) => {
      if (!checkpoint || stored.has(checkpoint)) return;
      stored.add(checkpoint);
      checkpointWrites = checkpointWrites
        .then(() => saveRunCheckpoint({ experiment: id, run, ...checkpoint }))
        .catch((error: unknown) => set({ unavailable: problem(error) }));
    });
    return checkpointWrites;
  },

  async loadCheckpoints(id) {
    try {
      const checkpoints = await loadRunCheckpoints(id);
      for (const checkpoint of checkpoints) if (checkpoint) stored.add(checkpoint);
      return checkpoints;
    } catch (error) {
      set({ unavailable: problem(error) });
      return [];
    }
  },

  forgetCheckpoints() {
    const id = get().currentId;
    if (id === undefined) return checkpointWrites;
    checkpointWrites = checkpointWrites
      .then(() => deleteRunCheckpoints(id))
      .catch((error: unknown) => set({ unavailable: problem(error) }));
    return checkpointWrites;
  },
}));
