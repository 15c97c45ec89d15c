// Whether the page shows results it did not train: read-only (settings locked) until the reader
// trains, or chooses to edit the settings. Two kinds reach it: a "Share results" link's fragment,
// and the recorded comparison the page opens on without a link (state/recorded.ts).
import { create } from 'zustand';
import type { RunRecord, Stamp } from '../../train/record';

export type ReadOnlyKind = { kind: 'shared' } | { kind: 'recorded'; stamp: Stamp; preset?: string };

interface SharedResultsState {
  shown: boolean;
  /** What is shown while `shown`; the last one shown after it closes. */
  view?: ReadOnlyKind;
  /**
   * The records the view put on screen. They stay someone else's after it closes ("Edit
   * settings" keeps them visible), so autosave never files them in the history as local runs.
   */
  foreign?: readonly RunRecord[];
  /** The recorded comparison is on its way: settings stay locked and the address bare until it lands or fails. */
  pending: boolean;
  show(records: readonly RunRecord[], view?: ReadOnlyKind): void;
  /** Marks the recorded comparison as on its way; close() (Start, Open, Import, a link) cancels it. */
  wait(): void;
  close(): void;
}

export const useSharedResultsStore = create<SharedResultsState>()((set) => ({
  shown: false,
  pending: false,
  show: (records, view = { kind: 'shared' }) => set({ shown: true, view, foreign: records, pending: false }),
  wait: () => set({ pending: true }),
  close: () => set({ shown: false, pending: false }),
}));
