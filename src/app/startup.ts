// Opening the page: the experiment comes from the URL (a shared link), once, before the first
// render — not in an effect, which StrictMode would run twice and so start training twice.
// Without a link the page opens on the recorded comparison (state/recorded.ts); a link always wins.
import { bottleneckPreset, decodeBottleneck } from './share/bottleneckUrl';
import { decodeResults } from './share/results';
import { linkPreset } from './share/url';
import { useBottleneckStore } from './state/bottleneck';
import { setupRuns, useExperimentStore } from './state/experiment';
import { openRecorded } from './state/recorded';
import { useSharedResultsStore } from './state/sharedResults';
import { useTrainingStore } from './state/training';
import { useViewStore } from './state/view';

/** `hash` may carry a finished comparison's results ("Share results"): shown read-only, never trained. */
export function openFromUrl(search: string, hash = ''): void {
  if (search.replace(/^\?/, '') === '' && decodeResults(hash) === null) {
    void openRecorded();
    return;
  }
  if (linkPreset(search) === bottleneckPreset) {
    const { link, warnings } = decodeBottleneck(search);
    useViewStore.getState().show('bottleneck');
    // As below: "start on open" is spent once it has started.
    useBottleneckStore.getState().replace(link.config, false, warnings);
    if (link.autostart) useBottleneckStore.getState().start();
    return;
  }
  const state = useExperimentStore.getState().openLink(search);
  const results = decodeResults(hash);
  if (results && 'runs' in results) {
    useTrainingStore.getState().load(results.runs);
    useSharedResultsStore.getState().show(useTrainingStore.getState().records);
    return;
  }
  if (results) useExperimentStore.getState().warn(results.warning);
  const resolved = setupRuns(state);
  if (state.autostart && 'runs' in resolved) useTrainingStore.getState().start(resolved.runs, state.preset);
}
