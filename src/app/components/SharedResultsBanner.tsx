// Shown above results the page did not train — a "Share results" link's, or the recorded comparison
// the page opens on without a link: what they are, where and when they were measured, and the two
// ways on — train the same experiment here, or unlock the settings to change it first. In a browser
// without WebGPU neither is possible: the banner says so and points at the WebGPU help above it.
import type { MouseEvent } from 'react';
import type { RunRecord } from '../../train/record';
import { adapterNames } from '../format';
import type { ReadOnlyKind } from '../state/sharedResults';
import { webGpuHelpId } from './WebGpuHelp';

interface Props {
  runs: RunRecord[];
  view: ReadOnlyKind;
  /** False where this browser has no WebGPU: a sentence saying training needs it replaces the buttons. */
  canTrain?: boolean;
  /** For a recorded comparison: what "Train it yourself" trains here and how long it takes (state/recorded.ts). */
  estimate?: string;
  /** Saved experiments in this browser: a returning reader's own runs are one click away. */
  saved?: number;
  onRerun(): void;
  onEdit(): void;
  onShowSaved?(): void;
}

/** Scrolls to the help without touching the address: a shared link's results live in its fragment. */
function showHelp(event: MouseEvent<HTMLAnchorElement>): void {
  event.preventDefault();
  document.getElementById(webGpuHelpId)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

export function SharedResultsBanner({
  runs,
  view,
  canTrain = true,
  estimate,
  saved = 0,
  onRerun,
  onEdit,
  onShowSaved,
}: Props) {
  const adapters = adapterNames(runs);
  const started = runs.map((run) => run.startedAt.slice(0, 10)).sort()[0];
  const recorded = view.kind === 'recorded' ? view : undefined;
  return (
    <section
      className="card card-warning"
      aria-label={recorded ? 'Recorded comparison' : 'Shared results'}
      data-testid="shared-results"
    >
      {recorded ? (
        <>
          <p data-testid="recorded-stamp">
            <strong>Recorded comparison: {recorded.stamp.title ?? `${runs.length} runs`}</strong> ·{' '}
            {recorded.stamp.adapter.replace(/^Adapter: /, '')} · {recorded.stamp.date.slice(0, 10)} · commit{' '}
            {recorded.stamp.commit}
          </p>
          <p className="hint">
            Read-only, as recorded by <code>{recorded.stamp.command}</code>: curves hold at most 200 points per run, and
            the samples are the last evaluation’s.
          </p>
          {estimate && <p data-testid="recorded-estimate">{estimate}</p>}
        </>
      ) : (
        <p>
          <strong>Shared results, read-only.</strong> {runs.length} run{runs.length === 1 ? '' : 's'} measured on{' '}
          {adapters}
          {started ? `, started ${started}` : ''}; curves hold at most 200 points per run and no decoded samples.
        </p>
      )}
      {!canTrain ? (
        <p data-testid="training-needs-webgpu">
          <strong>{recorded ? 'Training it yourself' : 'Re-running this experiment'} needs WebGPU</strong>, which this
          browser cannot offer here:{' '}
          <a href={`#${webGpuHelpId}`} onClick={showHelp}>
            the WebGPU help above
          </a>{' '}
          says how to get it. Until then these results stay read-only.
        </p>
      ) : (
        <p>
          <button type="button" className="primary" onClick={onRerun}>
            {recorded ? 'Train it yourself' : 'Re-run this experiment'}
          </button>{' '}
          <button type="button" onClick={onEdit}>
            {recorded ? 'Edit settings' : 'Edit the settings'}
          </button>
          {recorded && saved > 0 && onShowSaved && (
            <>
              {' '}
              <button type="button" onClick={onShowSaved}>
                Your saved experiments ({saved})
              </button>
            </>
          )}
        </p>
      )}
    </section>
  );
}
