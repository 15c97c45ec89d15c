// Shown above results opened from a "Share results" link: what they are, where they were measured,
// and the two ways on — train the same experiment here, or unlock the settings to change it first.
import type { RunRecord } from '../../train/record';
import { adapterNames } from '../format';

export function SharedResultsBanner({ runs, onRerun, onEdit }: { runs: RunRecord[]; onRerun(): void; onEdit(): void }) {
  const adapters = adapterNames(runs);
  const started = runs.map((run) => run.startedAt.slice(0, 10)).sort()[0];
  return (
    <section className="card card-warning" aria-label="Shared results" data-testid="shared-results">
      <p>
        <strong>Shared results, read-only.</strong> {runs.length} run{runs.length === 1 ? '' : 's'} measured on {adapters}
        {started ? `, started ${started}` : ''}; curves hold at most 200 points per run and no decoded samples.
      </p>
      <p>
        <button type="button" className="primary" onClick={onRerun}>
          Re-run this experiment
        </button>{' '}
        <button type="button" onClick={onEdit}>
          Edit the settings
        </button>
      </p>
    </section>
  );
}
