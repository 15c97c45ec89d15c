// Opening the page: the experiment comes from the URL (a shared link), once, before the first
// render — not in an effect, which StrictMode would run twice and so start training twice.
import { decodeExperiment } from './share/url';
import { setupRuns, useExperimentStore } from './state/experiment';
import { useTrainingStore } from './state/training';

export function openFromUrl(search: string): void {
  const { state, warnings } = decodeExperiment(search);
  // The link's "start on open" is spent once it has started: a reload should not train again.
  useExperimentStore.getState().replace({ ...state, autostart: false }, warnings);
  const resolved = setupRuns(state);
  if (state.autostart && 'runs' in resolved) useTrainingStore.getState().start(resolved.runs, state.preset);
}
