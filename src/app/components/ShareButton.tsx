import { useEffect, useId, useRef, useState } from 'react';
import type { RunRecord } from '../../train/record';
import { encodeResults } from '../share/results';
import { encodeExperiment, type ExperimentState } from '../share/url';

interface Props {
  /** The experiment to link to; whether the link starts training is this component's checkbox. */
  experiment: Omit<ExperimentState, 'autostart'>;
  /** Finished runs whose results a "Share results" link can carry; none: no such button. */
  results?: RunRecord[];
}

type Outcome = { kind: 'idle' } | { kind: 'copied'; what: string } | { kind: 'manual'; url: string; why: string };

/** How long "Link copied" stays before the button reads as ready again. */
const confirmationMs = 3000;

export function ShareButton({ experiment, results = [] }: Props) {
  const [autostart, setAutostart] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const fallback = useRef<HTMLInputElement>(null);
  const ids = useId();

  useEffect(() => {
    if (outcome.kind !== 'copied') return;
    const timer = setTimeout(() => setOutcome({ kind: 'idle' }), confirmationMs);
    return () => clearTimeout(timer);
  }, [outcome]);

  // Select the link so that Ctrl+C / ⌘C is the only step left when the clipboard was refused.
  useEffect(() => {
    if (outcome.kind === 'manual') fallback.current?.select();
  }, [outcome]);

  // With results, the link opens them read-only (the fragment) beside the settings that re-run them.
  async function copy(withResults: boolean) {
    const settings = `${location.origin}${location.pathname}${encodeExperiment({ ...experiment, autostart: withResults ? false : autostart })}`;
    const url = withResults ? `${settings}#${encodeResults(results)}` : settings;
    try {
      // Undefined on plain http (no secure context); rejects when the user or a policy denies access.
      if (!navigator.clipboard) throw new Error('this page has no clipboard access');
      await navigator.clipboard.writeText(url);
      setOutcome({
        kind: 'copied',
        what: withResults
          ? `Results link copied (${(url.length / 1024).toFixed(1)} KB).`
          : 'Link copied to the clipboard.',
      });
    } catch (error) {
      setOutcome({ kind: 'manual', url, why: error instanceof Error ? error.message : String(error) });
    }
  }

  return (
    <div className="share">
      <button type="button" onClick={() => void copy(false)} aria-describedby={`${ids}-status`}>
        Copy link
      </button>
      {results.length > 0 && (
        <button type="button" onClick={() => void copy(true)} aria-describedby={`${ids}-status`}>
          Share results
        </button>
      )}
      <label>
        <input type="checkbox" checked={autostart} onChange={(event) => setAutostart(event.target.checked)} /> start
        training when the link opens
      </label>
      <p id={`${ids}-status`} role="status" className="hint-inline">
        {outcome.kind === 'copied'
          ? outcome.what
          : outcome.kind === 'manual'
            ? `Could not copy (${outcome.why}); copy the link below.`
            : ''}
      </p>
      {outcome.kind === 'manual' && (
        <p>
          <label htmlFor={`${ids}-url`}>Link to this experiment</label>{' '}
          <input
            id={`${ids}-url`}
            ref={fallback}
            type="text"
            readOnly
            value={outcome.url}
            size={60}
            onFocus={(event) => event.target.select()}
          />
        </p>
      )}
    </div>
  );
}
