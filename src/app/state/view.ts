// Which experiment the page shows: sequence models (presets, training runs) or the synthetic
// softmax bottleneck. Both stay mounted, so a run keeps its plots while the other tab is open.
import { create } from 'zustand';

export type PageView = 'sequence' | 'bottleneck';

export const useViewStore = create<{ view: PageView; show(view: PageView): void }>()((set) => ({
  view: 'sequence',
  show: (view) => set({ view }),
}));
