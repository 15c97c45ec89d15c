// Saved experiments in IndexedDB. The page saves the running comparison every few seconds, so a
// reload or a crashed worker loses at most the last few steps; a save is therefore one transaction
// that overwrites the entry by id (no read-modify-write). The list shows a summary per experiment
// and must not deserialise every metric ever recorded, so each save also writes that small summary
// to a store of its own, in the same transaction: the two can never disagree. Each run's latest
// checkpoint (parameters and Adam moments, large) is kept in a third store, written only when a new
// one arrives, so that a comparison cut off by a reload or a crash can resume.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RunCheckpoint } from '../../train/protocol';
import type { ComparisonRecord, RunRecord } from '../../train/record';

export interface SavedExperiment {
  id: string;
  /** ISO 8601, UTC; ISO strings sort in time order, so the index needs no conversion. */
  savedAt: string;
  title: string;
  /** The share query (encodeExperiment) that reopens the settings. */
  url: string;
  comparison: ComparisonRecord;
}

export interface RunSummary {
  label: string;
  status: RunRecord['status'];
  /** The last logged step, 0 before the first. */
  steps: number;
}

export type ExperimentSummary = Omit<SavedExperiment, 'comparison'> & { runs: RunSummary[] };

/** A run's latest checkpoint, stored under its experiment's id and the run's index. */
export interface SavedCheckpoint extends RunCheckpoint {
  experiment: string;
  run: number;
}

interface HistorySchema extends DBSchema {
  experiments: { key: string; value: SavedExperiment };
  summaries: { key: string; value: ExperimentSummary; indexes: { savedAt: string } };
  checkpoints: { key: [string, number]; value: SavedCheckpoint };
}

/** Every checkpoint key of one experiment. */
const checkpointsOf = (experiment: string) => IDBKeyRange.bound([experiment, 0], [experiment, Number.MAX_SAFE_INTEGER]);

/** IndexedDB is missing or refused (private browsing in some browsers, disabled storage, a full disk). */
export class HistoryUnavailableError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'HistoryUnavailableError';
  }
}

const maxTitleLength = 120;

/** "tiny-demo: softmax vs NLLvMF log(1+κ)(λ−cos) λ=0.2", from the preset (or dataset) and the run labels. */
export function experimentTitle(comparison: ComparisonRecord): string {
  const first = comparison.runs[0];
  const subject = comparison.preset ?? first?.config.dataset ?? 'experiment';
  const labels = comparison.runs.map((run) => run.label.replace(/^head: /, ''));
  const title = labels.length ? `${subject}: ${labels.join(' vs ')}` : `${subject} (no runs)`;
  return title.length > maxTitleLength ? `${title.slice(0, maxTitleLength - 1)}…` : title;
}

export function summarize(entry: SavedExperiment): ExperimentSummary {
  const { comparison, ...rest } = entry;
  return {
    ...rest,
    runs: comparison.runs.map((run) => ({
      label: run.label,
      status: run.status,
      steps: run.metrics.at(-1)?.step ?? 0,
    })),
  };
}

/** A fresh id; getRandomValues works on plain http too, where crypto.randomUUID does not exist. */
export function newExperimentId(now = Date.now()): string {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${now.toString(36)}-${random}`;
}

let database: Promise<IDBPDatabase<HistorySchema>> | undefined;

function open(): Promise<IDBPDatabase<HistorySchema>> {
  if (typeof indexedDB === 'undefined') {
    return Promise.reject(
      new HistoryUnavailableError(
        'Saved experiments are unavailable: this browser has no IndexedDB. Export the results as JSON to keep them.',
      ),
    );
  }
  database ??= openDB<HistorySchema>('continuum-history', 2, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('experiments', { keyPath: 'id' });
        db.createObjectStore('summaries', { keyPath: 'id' }).createIndex('savedAt', 'savedAt');
      }
      if (oldVersion < 2) db.createObjectStore('checkpoints', { keyPath: ['experiment', 'run'] });
    },
    // Another tab upgraded the schema or the browser dropped the connection: open afresh next time.
    terminated() {
      database = undefined;
    },
  }).catch((error: unknown) => {
    database = undefined; // a later call may succeed (e.g. storage re-enabled)
    throw new HistoryUnavailableError(
      `Saved experiments are unavailable: the browser refused IndexedDB (${describe(error)}); private browsing blocks it in some browsers. Export the results as JSON to keep them.`,
      { cause: error },
    );
  });
  return database;
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

function saveFailure(what: string, error: unknown): HistoryUnavailableError {
  const full = error instanceof DOMException && error.name === 'QuotaExceededError';
  return new HistoryUnavailableError(
    full
      ? `Could not save ${what}: the browser’s storage for this site is full. Delete old experiments or export them as JSON.`
      : `Could not save ${what} (${describe(error)}).`,
    { cause: error },
  );
}

/** Writes (or overwrites) one entry and its summary in one transaction. */
export async function saveExperiment(entry: SavedExperiment): Promise<void> {
  const db = await open();
  const tx = db.transaction(['experiments', 'summaries'], 'readwrite');
  try {
    await Promise.all([
      tx.objectStore('experiments').put(entry),
      tx.objectStore('summaries').put(summarize(entry)),
      tx.done,
    ]);
  } catch (error) {
    throw saveFailure('the experiment', error);
  }
}

/** Replaces a run's saved checkpoint. */
export async function saveRunCheckpoint(checkpoint: SavedCheckpoint): Promise<void> {
  const db = await open();
  try {
    await db.put('checkpoints', checkpoint);
  } catch (error) {
    throw saveFailure(`the checkpoint of run ${checkpoint.run + 1} (step ${checkpoint.step})`, error);
  }
}

/** An experiment's saved checkpoints, by run index (undefined where a run has none). */
export async function loadRunCheckpoints(experiment: string): Promise<(RunCheckpoint | undefined)[]> {
  const saved = await (await open()).getAll('checkpoints', checkpointsOf(experiment));
  const byRun: (RunCheckpoint | undefined)[] = [];
  for (const { run, step, bytes } of saved) byRun[run] = { step, bytes };
  return byRun;
}

/** Drops an experiment's checkpoints (it finished: nothing is left to resume). */
export async function deleteRunCheckpoints(experiment: string): Promise<void> {
  await (await open()).delete('checkpoints', checkpointsOf(experiment));
}

/** Every saved experiment, newest first, without its metrics. */
export async function listExperiments(): Promise<ExperimentSummary[]> {
  const db = await open();
  return (await db.getAllFromIndex('summaries', 'savedAt')).reverse();
}

export async function loadExperiment(id: string): Promise<SavedExperiment | undefined> {
  return (await open()).get('experiments', id);
}

export async function deleteExperiment(id: string): Promise<void> {
  const db = await open();
  const tx = db.transaction(['experiments', 'summaries', 'checkpoints'], 'readwrite');
  await Promise.all([
    tx.objectStore('experiments').delete(id),
    tx.objectStore('summaries').delete(id),
    tx.objectStore('checkpoints').delete(checkpointsOf(id)),
    tx.done,
  ]);
}
