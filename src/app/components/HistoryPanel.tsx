import { useId, useState, type ChangeEvent } from 'react';
import type { ExperimentSummary } from '../history/db';
import { importRunFile } from '../history/files';
import type { ComparisonRecord } from '../../train/record';

interface Props {
  /** Newest first (listExperiments). */
  entries: ExperimentSummary[];
  onOpen(id: string): void;
  onExport(id: string, format: 'json' | 'csv'): void;
  onDelete(id: string): void;
  /** A file that parsed as a run file; the panel shows parse errors itself. */
  onImport(comparison: ComparisonRecord, fileName: string): void;
  /** Why saving is impossible (e.g. no IndexedDB), shown instead of an empty list. */
  unavailable?: string;
}

export function HistoryPanel({ entries, onOpen, onExport, onDelete, onImport, unavailable }: Props) {
  const [importError, setImportError] = useState<string>();
  const ids = useId();

  async function chooseFile(event: ChangeEvent<HTMLInputElement>) {
    const input = event.target;
    const file = input.files?.[0];
    if (!file) return;
    const result = await importRunFile(file);
    // Clear the input so that choosing the same file again (after fixing it) fires another change.
    input.value = '';
    setImportError(result.ok ? undefined : result.error);
    if (result.ok) onImport(result.comparison, file.name);
  }

  return (
    <section className="card" aria-labelledby={`${ids}-heading`}>
      <h2 id={`${ids}-heading`}>Saved experiments</h2>
      {unavailable && (
        <p className="hint" role="status">
          {unavailable}
        </p>
      )}
      {!unavailable && entries.length === 0 && (
        <p className="hint">Nothing saved yet: experiments are saved here while they train.</p>
      )}
      <ul className="history">
        {entries.map((entry) => (
          <HistoryEntry key={entry.id} entry={entry} onOpen={onOpen} onExport={onExport} onDelete={onDelete} />
        ))}
      </ul>
      <p>
        <label htmlFor={`${ids}-import`}>
          Import a run file (JSON from this page or <code>continuum train</code>)
        </label>{' '}
        <input
          id={`${ids}-import`}
          type="file"
          accept=".json,application/json"
          aria-describedby={`${ids}-import-error`}
          aria-invalid={importError !== undefined}
          onChange={(event) => void chooseFile(event)}
        />
      </p>
      <p id={`${ids}-import-error`} role="alert" className="error-text">
        {importError}
      </p>
    </section>
  );
}

function HistoryEntry({
  entry,
  onOpen,
  onExport,
  onDelete,
}: { entry: ExperimentSummary } & Pick<Props, 'onOpen' | 'onExport' | 'onDelete'>) {
  const saved = new Date(entry.savedAt);
  const what = `${entry.title}, saved ${saved.toLocaleString()}`;
  return (
    <li>
      <strong>{entry.title}</strong> <time dateTime={entry.savedAt}>{saved.toLocaleString()}</time>
      <ul>
        {entry.runs.map((run, i) => (
          <li key={i}>
            {run.label}: {run.status}
            {run.steps > 0 ? `, step ${run.steps.toLocaleString('en-US')}` : ''}
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => onOpen(entry.id)} aria-label={`Open ${what}`}>
        Open
      </button>{' '}
      <button type="button" onClick={() => onExport(entry.id, 'json')} aria-label={`Export ${what} as JSON`}>
        Export JSON
      </button>{' '}
      <button type="button" onClick={() => onExport(entry.id, 'csv')} aria-label={`Export ${what} as CSV`}>
        Export CSV
      </button>{' '}
      <button type="button" onClick={() => onDelete(entry.id)} aria-label={`Delete ${what}`}>
        Delete
      </button>
    </li>
  );
}
