// The page without a link opens on the answer: the results suite's main comparison as recorded
// (public/results/kjv-web.json, written by `continuum reproduce`), read-only, through the same
// view as shared results. "Train it yourself" trains that comparison here, at the size this
// adapter can manage. A missing or unreadable file only costs a console warning: the page then
// opens its usual default.
import { adapterLine, type AdapterSummary } from '../../gpu';
import { isSoftwareAdapter } from '../../tensor/workgroups';
import { parseRunFile, type Stamp } from '../../train/record';
import { presetSetup, setupRuns, useExperimentStore } from './experiment';
import { useSharedResultsStore } from './sharedResults';
import { useTrainingStore } from './training';

/** Where the recorded comparison is served, below the app's base path (as public/data is). */
export const recordedPath = 'results/kjv-web.json';
/** The results suite's main comparison, and the smaller version a software adapter trains in minutes. */
const suitePreset = 'kjv-web';
const softwarePreset = 'kjv-web-live';
/** Both runs of kjv-web-live, measured on a quiet 2-core machine's SwiftShader: 3.93 min at fff9ecf (docs/live-default.md). */
const softwareMinutes = 4;

function recordedUrl(): string {
  return `${import.meta.env.BASE_URL.replace(/\/?$/, '/')}${recordedPath}`;
}

/** What "Train it yourself" trains on this adapter. */
export function livePreset(adapter: AdapterSummary): string {
  return isSoftwareAdapter(adapter) ? softwarePreset : suitePreset;
}

/**
 * Fetches the recorded comparison and shows it read-only, unless the reader moved on meanwhile
 * (started, opened or imported something: those close the pending view). Never throws.
 */
export async function openRecorded(load: (url: string) => Promise<Response> = (url) => fetch(url)): Promise<boolean> {
  const shared = useSharedResultsStore.getState();
  shared.wait();
  const quiet = (why: string) => {
    console.warn(`No recorded comparison to open on (${recordedUrl()}: ${why}); showing the default experiment.`);
    if (useSharedResultsStore.getState().pending) useSharedResultsStore.getState().close();
    return false;
  };
  let text: string;
  try {
    const response = await load(recordedUrl());
    if (!response.ok) return quiet(`HTTP ${response.status}`);
    text = await response.text();
  } catch (error) {
    return quiet(error instanceof Error ? error.message : String(error));
  }
  const parsed = parseRunFile(text);
  if (!parsed.ok) return quiet(parsed.error);
  const { stamp, runs, preset } = parsed.value;
  if (!stamp) return quiet('it has no stamp saying who recorded it');
  if (runs.length === 0) return quiet('it holds no runs');
  if (!useSharedResultsStore.getState().pending) return false;
  useTrainingStore.getState().load(runs);
  useSharedResultsStore
    .getState()
    .show(useTrainingStore.getState().records, { kind: 'recorded', stamp, ...(preset ? { preset } : {}) });
  return true;
}

/** Leaves the recorded view with this adapter's live comparison in the settings; `train` also starts it. */
export function leaveRecorded(adapter: AdapterSummary, train: boolean): void {
  const name = livePreset(adapter);
  useExperimentStore.getState().replace(presetSetup(name));
  useSharedResultsStore.getState().close();
  if (!train) return;
  const resolved = setupRuns(useExperimentStore.getState());
  if ('runs' in resolved) useTrainingStore.getState().start(resolved.runs, name);
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
const softwareName = /swiftshader|llvmpipe|lavapipe|fallback/i;

/** What "Train it yourself" will train on this adapter and how long it should take, honestly. */
export function trainingEstimate(adapter: AdapterSummary, recorded: { stamp: Stamp; preset?: string }): string {
  const { stamp, preset } = recorded;
  const recording =
    stamp.wallMs === undefined
      ? ''
      : ` The recorded comparison${preset ? ` (preset ${preset})` : ''} took ${minutes(stamp.wallMs)} on ${stamp.adapter.replace(/^Adapter: /, '')}.`;
  const after = ' Once it starts, the Training panel shows its progress and the time left.';
  if (isSoftwareAdapter(adapter)) {
    return (
      `This browser’s WebGPU adapter is a software one (${adapterLine(adapter).replace(/^Adapter: /, '')}), so “Train it yourself” trains a smaller ` +
      `version, preset ${softwarePreset}: about ${softwareMinutes} minutes of training for both runs as measured on a quiet 2-core machine’s SwiftShader, longer while other work shares the cores.${recording}${after}`
    );
  }
  const faster =
    stamp.wallMs !== undefined && softwareName.test(stamp.adapter)
      ? ' A hardware GPU such as this one is usually faster than that software adapter.'
      : '';
  return `“Train it yourself” trains the results suite’s full size here, preset ${suitePreset}.${recording}${faster}${after}`;
}
