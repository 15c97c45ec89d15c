// Whether the page shows results opened from a "Share results" link: read-only (settings locked)
// until the reader re-runs the experiment or chooses to edit it.
import { create } from 'zustand';

export const useSharedResultsStore = create<{ shown: boolean; show(): void; close(): void }>()((set) => ({
  shown: false,
  show: () => set({ shown: true }),
  close: () => set({ shown: false }),
}));
