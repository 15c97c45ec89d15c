// The playground: settings on the left; training controls, plots, samples and history on the right.
// The URL always holds the experiment on screen (replaceState on every edit), and the comparison is
// saved to IndexedDB while it trains.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { TrainingState } from './state/fold';
import { Controls } from './components/Controls';
import { HistoryPanel } from './components/HistoryPanel';
import { LinkWarnings } from './components/LinkWarnings';
import { ShareButton } from './components/ShareButton';
import { SharedResultsBanner } from './components/SharedResultsBanner';
import { TrainingPanel } from './components/TrainingPanel';
import { UploadPanel } from './components/UploadPanel';
import { loadExperiment } from './history/db';
import { exportCsv, exportJson } from './history/files';
import { runColor } from './plots/colors';
import { BesselExplorer } from './plots/BesselExplorer';
import { EvalPlot } from './plots/EvalPlot';
import { KappaHistogram } from './plots/KappaHistogram';
import { LossPlot } from './plots/LossPlot';
import { MemoryBars } from './plots/MemoryBars';
import type { RunView } from './plots/runView';
import { ThroughputPlot } from './plots/ThroughputPlot';
import { deepEqual, encodeExperiment } from './share/url';
import { presetSetup, setupRuns, useExperimentStore } from './state/experiment';
import { leaveRecorded, livePreset, trainingEstimate } from './state/recorded';
import { autosaveMs, useHistoryStore } from './state/history';
import { useSharedResultsStore } from './state/sharedResults';
import { useTrainingStore } from './state/training';
import { useUploadsStore } from './state/uploads';
import { useAppStore } from './store';
import { EmbeddingView } from './views/EmbeddingView';
import { SamplesTable } from './views/SamplesTable';
import { SummaryTable } from './views/SummaryTable';
import type { TokenRef } from './views/samples';

const activeStates: ReadonlySet<TrainingState> = new Set(['preparing', 'running', 'paused']);

/** Keeps the URL in step with every edit while this experiment is shown (the page opened from it: see startup.ts). */
function useUrlState(active: boolean): void {
  const setup = useExperimentStore(
    useShallow((s) => ({ preset: s.preset, base: s.base, variants: s.variants, autostart: s.autostart })),
  );
  // Shared results stay in the fragment while they are shown, so a reload shows them again; the
  // recorded comparison (on its way or shown) keeps the address bare, so a reload opens it again.
  const shared = useSharedResultsStore((s) => s.shown);
  const recorded = useSharedResultsStore((s) => s.pending || (s.shown && s.view?.kind === 'recorded'));
  const query = encodeExperiment(setup);
  useEffect(() => {
    const address = recorded
      ? window.location.pathname
      : `${window.location.pathname}${query}${shared ? window.location.hash : ''}`;
    if (active && `${window.location.pathname}${window.location.search}${window.location.hash}` !== address)
      window.history.replaceState(null, '', address);
  }, [active, query, shared, recorded]);
}

/**
 * Saves the comparison on screen while it trains (at most every autosaveMs) and when its state
 * changes, and its checkpoints as they arrive, until it finishes.
 */
function useAutosave(): void {
  const { state, records, checkpoints, comparisonsStarted } = useTrainingStore(
    useShallow((s) => ({
      state: s.state,
      records: s.records,
      checkpoints: s.checkpoints,
      comparisonsStarted: s.comparisonsStarted,
    })),
  );
  const preset = useExperimentStore((s) => s.preset);
  const { beginEntry, save, stash, recoverStashes, saveCheckpoints, forgetCheckpoints } = useHistoryStore.getState();
  const [lastSave, setLastSave] = useState(0);
  useEffect(() => void recoverStashes(), [recoverStashes]);
  // A new comparison gets an entry of its own; a resumed one goes on in the entry it had.
  useEffect(() => {
    if (comparisonsStarted > 0) beginEntry(comparisonsStarted);
  }, [comparisonsStarted, beginEntry]);
  useEffect(() => void saveCheckpoints(checkpoints), [checkpoints, saveCheckpoints]);
  // A reload or a closed tab keeps what is on screen now, not as of the last periodic save.
  useEffect(() => {
    const keep = () => {
      const { state: now, records: shown } = useTrainingStore.getState();
      if (activeStates.has(now)) stash(shown, useExperimentStore.getState().preset, window.location.search);
    };
    window.addEventListener('pagehide', keep);
    return () => window.removeEventListener('pagehide', keep);
  }, [stash]);
  useEffect(() => {
    if (state === 'finished') void forgetCheckpoints();
  }, [state, forgetCheckpoints]);
  // Results this page did not train are shown, not saved, even after their view closes ("Edit
  // settings" keeps them on screen): they would come back from the history as local runs.
  const foreign = useSharedResultsStore((s) => s.shown || s.pending || s.foreign === records);
  useEffect(() => {
    if (state === 'idle' || records.length === 0 || foreign) return;
    const due = lastSave + autosaveMs - Date.now();
    const timer = setTimeout(
      () => {
        setLastSave(Date.now());
        void save(records, preset, window.location.search);
      },
      activeStates.has(state) ? Math.max(0, due) : 0,
    );
    return () => clearTimeout(timer);
  }, [state, records, preset, save, lastSave, foreign]);
}

/**
 * `canTrain: false` is the page in a browser without WebGPU, shown only while results it did not train
 * are on screen (App.tsx): those results alone, read-only — no settings, training, sharing or history.
 */
export function Workspace({ active, canTrain = true }: { active: boolean; canTrain?: boolean }) {
  useUrlState(active);
  useAutosave();
  const setup = useExperimentStore(useShallow((s) => ({ preset: s.preset, base: s.base, variants: s.variants })));
  const warnings = useExperimentStore((s) => s.warnings);
  const dismissWarnings = useExperimentStore((s) => s.dismissWarnings);
  const openLink = useExperimentStore((s) => s.openLink);
  const { state, records, load } = useTrainingStore(
    useShallow((s) => ({ state: s.state, records: s.records, load: s.load })),
  );
  const history = useHistoryStore();
  const [selected, setSelected] = useState<TokenRef | null>(null);
  const catalog = useUploadsStore((s) => s.catalog);
  const resolved = useMemo(() => setupRuns(setup, catalog), [setup, catalog]);
  const runs: RunView[] = useMemo(
    () => records.map((record, i) => ({ record, color: runColor(i), visible: true })),
    [records],
  );
  const {
    shown: shared,
    view,
    pending,
  } = useSharedResultsStore(useShallow((s) => ({ shown: s.shown, view: s.view, pending: s.pending })));
  const gpu = useAppStore((s) => s.gpu);
  const adapter = gpu.status === 'ready' ? gpu.adapter : undefined;
  const locked = activeStates.has(state) || shared || pending;
  const historyRef = useRef<HTMLDivElement>(null);
  // Beside the recorded comparison the settings are what "Train it yourself" (or Start) trains on this adapter.
  const recordedShown = shared && view?.kind === 'recorded';
  useEffect(() => {
    if (!recordedShown || !adapter) return;
    const name = livePreset(adapter);
    if (useExperimentStore.getState().preset !== name) useExperimentStore.getState().replace(presetSetup(name));
  }, [recordedShown, adapter]);
  const rerun = () => {
    if (view?.kind === 'recorded' && adapter) leaveRecorded(adapter, true);
    else if ('runs' in resolved) useTrainingStore.getState().start(resolved.runs, setup.preset);
  };
  const edit = () => {
    if (view?.kind === 'recorded' && adapter) leaveRecorded(adapter, false);
    else useSharedResultsStore.getState().close();
  };
  // A results link attaches the current settings: offer one only while they are the finished runs' own.
  const shareable =
    !locked &&
    'runs' in resolved &&
    records.length === resolved.runs.length &&
    records.every((record, i) => record.status === 'finished' && deepEqual(record.config, resolved.runs[i]!.config));

  const open = async (id: string) => {
    const entry = await loadExperiment(id);
    if (!entry) return;
    const checkpoints = await history.loadCheckpoints(id);
    // Saved settings may no longer validate (a preset or the schema changed): say so, as a fresh link does.
    useSharedResultsStore.getState().close();
    openLink(entry.url);
    load(entry.comparison.runs, checkpoints);
    history.adopt(id);
  };

  return (
    <>
      <LinkWarnings warnings={warnings} onDismiss={dismissWarnings} />
      <div className={canTrain ? 'workspace' : 'workspace results-only'}>
        {canTrain && (
          <div className="settings-column">
            <Controls locked={locked} />
            <UploadPanel locked={locked} />
          </div>
        )}
        <div className="results-column">
          {canTrain && 'error' in resolved && (
            <p className="card card-error" role="alert">
              These runs cannot start: {resolved.error}
            </p>
          )}
          {shared && view && (
            <SharedResultsBanner
              runs={records}
              view={view}
              canTrain={canTrain}
              estimate={view.kind === 'recorded' && adapter ? trainingEstimate(adapter, view) : undefined}
              saved={history.entries.length}
              onRerun={rerun}
              onEdit={edit}
              onShowSaved={() => historyRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' })}
            />
          )}
          {canTrain && (
            <>
              <TrainingPanel runs={'runs' in resolved ? resolved.runs : []} preset={setup.preset} />
              <ShareButton experiment={setup} results={shareable ? records : []} />
            </>
          )}
          <SummaryTable runs={runs} />
          <LossPlot runs={runs} />
          <EvalPlot runs={runs} />
          <SamplesTable runs={runs} selected={selected} onSelect={setSelected} />
          <EmbeddingView runs={runs} selected={selected} onSelect={setSelected} />
          <ThroughputPlot runs={runs} />
          <MemoryBars runs={runs} />
          <KappaHistogram runs={runs} />
          <BesselExplorer />
          {canTrain && (
            <div ref={historyRef}>
              <HistoryPanel
                entries={history.entries}
                unavailable={history.unavailable}
                onOpen={(id) => void open(id)}
                onDelete={(id) => void history.remove(id)}
                onExport={(id, format) =>
                  void loadExperiment(id).then(
                    (entry) =>
                      entry && (format === 'json' ? exportJson(entry.comparison) : exportCsv(entry.comparison)),
                  )
                }
                onImport={(comparison) => {
                  useSharedResultsStore.getState().close();
                  load(comparison.runs);
                  history.beginEntry();
                  void history.save(comparison.runs, comparison.preset, window.location.search);
                }}
              />
            </div>
          )}
        </div>
      </div>
    </>
  );
}
