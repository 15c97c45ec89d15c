// Saved experiments: the list the history panel shows, and autosave of the comparison on screen.
// A comparison is saved every few seconds while it trains and whenever its state changes, so a
// reload or a crashed worker loses at most the last few steps.
import { create } from 'zustand';
import type { ComparisonRecord, RunRecord } from '../../train/record';
import { HistoryUnavailableError, deleteExperiment, experimentTitle, listExperiments, newExperimentId, saveExperiment, type ExperimentSummary } from '../history/db';

/** Longest gap between saves of a training comparison. */
export const autosaveMs = 2000;

interface HistoryState {
  entries: ExperimentSummary[];
  /** Why history cannot be kept (no IndexedDB, storage full …). */
  unavailable?: string;
  /** The saved entry the comparison on screen belongs to. */
  currentId?: string;
  refresh(): Promise<void>;
  /** Starts a new entry for a comparison that just started. */
  beginEntry(): void;
  /** Saves the comparison on screen under the current entry. */
  save(records: RunRecord[], preset: string | undefined, url: string): Promise<void>;
  remove(id: string): Promise<void>;
  /** Makes `id` the current entry (an opened or imported comparison). */
  adopt(id: string): void;
}

function problem(error: unknown): string {
  return error instanceof HistoryUnavailableError || error instanceof Error ? error.message : String(error);
}

export function comparisonOf(records: RunRecord[], preset: string | undefined): ComparisonRecord {
  return { format: 'continuum-comparison', formatVersion: 1, ...(preset ? { preset } : {}), runs: records };
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

  beginEntry() {
    set({ currentId: newExperimentId() });
  },

  async save(records, preset, url) {
    const id = get().currentId ?? newExperimentId();
    if (records.length === 0) return;
    const comparison = comparisonOf(records, preset);
    try {
      await saveExperiment({ id, savedAt: new Date().toISOString(), title: experimentTitle(comparison), url, comparison });
      set({ currentId: id });
      await get().refresh();
    } catch (error) {
      set({ unavailable: problem(error) });
    }
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
}));
