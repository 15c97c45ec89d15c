// The synthetic softmax-bottleneck experiment (methods spec c6): N contexts with full-rank target
// distributions, fitted by free context vectors of size d under each output layer. Settings on the
// left; the sweep's metrics against d and its table on the right, filling in as each fit finishes.
import { useEffect, useId, useMemo, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { BottleneckConfig } from '../experiments/bottleneck';
import { headSpecLabel, mosDefaults, plifDefaults, type HeadSpec } from '../heads';
import { Labelled, NumberInput } from './components/fields';
import { LinkWarnings } from './components/LinkWarnings';
import { bottleneckFigure, bottleneckMetrics, type BottleneckMetric } from './plots/bottleneckFigures';
import { Plot } from './plots/Plot';
import { PlotCard } from './plots/PlotCard';
import { defaultBottleneckConfig, encodeBottleneck } from './share/bottleneckUrl';
import { useBottleneckStore, type SweepState } from './state/bottleneck';

const numberFields: Array<{ key: keyof BottleneckConfig; label: string; step?: number }> = [
  { key: 'contexts', label: 'Contexts N' },
  { key: 'vocab', label: 'Vocabulary V' },
  { key: 'temperature', label: 'Temperature of the target logits', step: 0.1 },
  { key: 'steps', label: 'Steps per fit' },
  { key: 'samplesPerContext', label: 'Target draws per context per step' },
  { key: 'learningRate', label: 'Learning rate', step: 0.001 },
  { key: 'seed', label: 'Seed' },
];

const stateText: Record<SweepState, string> = {
  idle: 'Not started',
  running: 'Running',
  finished: 'Finished',
  stopped: 'Stopped',
  failed: 'Failed',
};

/** A labelled control; `children` receives the id that ties the label to it. */
function SettingField({
  label,
  error,
  children,
}: {
  label: string;
  error: string | undefined;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <Labelled label={label} error={error} id={id}>
      {children(id)}
    </Labelled>
  );
}

/** PLIF's size when it is switched on here: the sweep's default, not the LM head's 100,000 pieces. */
const sweepPlifPieces = defaultBottleneckConfig.heads.find((h) => h.kind === 'plif')?.pieces ?? plifDefaults.pieces;

/** The heads to compare: each kind on or off, with PLIF's pieces and MoS's components. */
function HeadChoice({ heads, disabled }: { heads: HeadSpec[]; disabled: boolean }) {
  const setSetting = useBottleneckStore((s) => s.setSetting);
  const error = useBottleneckStore((s) => s.errors.heads);
  const find = <K extends HeadSpec['kind']>(kind: K) =>
    heads.find((h): h is Extract<HeadSpec, { kind: K }> => h.kind === kind);
  const order = ['softmax', 'plif', 'mos'] as const;
  const update = (kind: (typeof order)[number], spec: HeadSpec | undefined) => {
    const next = order.map((k) => (k === kind ? spec : find(k))).filter((h): h is HeadSpec => h !== undefined);
    setSetting('heads', next);
  };
  const plif = find('plif');
  const mos = find('mos');
  return (
    <fieldset disabled={disabled}>
      <legend>Output layers</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={Boolean(find('softmax'))}
          onChange={(e) => update('softmax', e.target.checked ? { kind: 'softmax' } : undefined)}
        />{' '}
        Linear softmax
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={Boolean(plif)}
          onChange={(e) => update('plif', e.target.checked ? { kind: 'plif', pieces: sweepPlifPieces } : undefined)}
        />{' '}
        PLIF (learnable monotonic function)
      </label>
      <SettingField label="PLIF pieces K" error={undefined}>
        {(id) => (
          <NumberInput
            id={id}
            value={plif?.pieces ?? sweepPlifPieces}
            disabled={disabled || !plif}
            invalid={false}
            onCommit={(pieces) => update('plif', { ...plif!, pieces })}
          />
        )}
      </SettingField>
      <label className="check">
        <input
          type="checkbox"
          checked={Boolean(mos)}
          onChange={(e) =>
            update('mos', e.target.checked ? { kind: 'mos', components: mosDefaults.components } : undefined)
          }
        />{' '}
        Mixture of softmaxes
      </label>
      <SettingField label="MoS components" error={undefined}>
        {(id) => (
          <NumberInput
            id={id}
            value={mos?.components ?? mosDefaults.components}
            disabled={disabled || !mos}
            invalid={false}
            onCommit={(components) => update('mos', { kind: 'mos', components })}
          />
        )}
      </SettingField>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function BottleneckSettings({ disabled }: { disabled: boolean }) {
  const { config, errors, setSetting } = useBottleneckStore(
    useShallow((s) => ({ config: s.config, errors: s.errors, setSetting: s.setSetting })),
  );
  return (
    <section className="card settings" aria-label="Synthetic bottleneck settings">
      <p className="field-hint">
        Each context c has a true next-token distribution p*(·|c) = softmax(G/T) with Gaussian G, so log p* has rank
        min(N, V), far above d. Free context vectors of size d are fitted under each output layer; a linear softmax can
        only express rank d + 1.
      </p>
      <HeadChoice heads={config.heads} disabled={disabled} />
      <fieldset disabled={disabled}>
        <legend>Task and fitting</legend>
        <SettingField label="Hidden sizes d (comma-separated)" error={errors.dims}>
          {(id) => (
            <input
              id={id}
              type="text"
              inputMode="numeric"
              defaultValue={config.dims.join(', ')}
              key={config.dims.join(',')}
              aria-invalid={Boolean(errors.dims)}
              onBlur={(e) =>
                setSetting(
                  'dims',
                  e.target.value.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part))),
                )
              }
              onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
            />
          )}
        </SettingField>
        {numberFields.map(({ key, label, step }) => (
          <SettingField key={key} label={label} error={errors[key]}>
            {(id) => (
              <NumberInput
                id={id}
                value={config[key] as number}
                step={step}
                disabled={disabled}
                invalid={Boolean(errors[key])}
                onCommit={(value) => setSetting(key, value)}
              />
            )}
          </SettingField>
        ))}
      </fieldset>
    </section>
  );
}

function SweepTable() {
  const { rows, measured, task } = useBottleneckStore(
    useShallow((s) => ({ rows: s.rows, measured: s.measured, task: s.task })),
  );
  if (!measured || rows.length === 0) return null;
  const heads = measured.heads.map(headSpecLabel);
  const cell = (d: number, head: string) => rows.find((r) => r.d === d && r.head === head);
  return (
    <table className="results" data-testid="bottleneck-table">
      <caption>
        N = {measured.contexts}, V = {measured.vocab}
        {task && `, rank(log p*) = ${task.logProbRank}, H(p*) = ${task.entropy.toFixed(3)} nats`}; mode-matching
        accuracy, KL(p* ‖ q) and time per step
      </caption>
      <thead>
        <tr>
          <th scope="col">d</th>
          {heads.map((head) => (
            <th key={head} scope="col" className="num">
              {head}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {measured.dims.map((d) => (
          <tr key={d}>
            <th scope="row">{d}</th>
            {heads.map((head) => {
              const row = cell(d, head);
              return (
                <td key={head} className="num sweep-cell">
                  {row ? (
                    <>
                      <strong>{(100 * row.modeAccuracy).toFixed(1)} %</strong>
                      <small>
                        KL {row.kl.toFixed(3)} · {row.msPerStep.toFixed(0)} ms/step
                      </small>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SweepPlots() {
  const { rows, measured, task } = useBottleneckStore(
    useShallow((s) => ({ rows: s.rows, measured: s.measured, task: s.task })),
  );
  const heads = useMemo(() => measured?.heads.map(headSpecLabel) ?? [], [measured]);
  const figures = useMemo(
    () =>
      (Object.keys(bottleneckMetrics) as BottleneckMetric[]).map((metric) => ({
        metric,
        figure: bottleneckFigure(rows, heads, measured?.dims ?? [], metric, task?.entropy),
      })),
    [rows, heads, measured, task],
  );
  return (
    <PlotCard title="Metrics against d">
      {figures.map(({ metric, figure }) => (
        <Plot
          key={metric}
          figure={figure}
          label={`${bottleneckMetrics[metric].title} against the hidden size d, one line per output layer`}
          fileName={`bottleneck-${metric}`}
          empty={rows.length === 0 ? 'Each point appears when its fit finishes…' : undefined}
          height={260}
        />
      ))}
    </PlotCard>
  );
}

/** Keeps the address bar on this experiment while it is shown. */
function useBottleneckUrl(active: boolean): void {
  const { config, autostart } = useBottleneckStore(useShallow((s) => ({ config: s.config, autostart: s.autostart })));
  const query = encodeBottleneck({ config, autostart });
  useEffect(() => {
    if (active && window.location.search !== query)
      window.history.replaceState(null, '', `${window.location.pathname}${query}`);
  }, [active, query]);
}

export function BottleneckWorkspace({ active }: { active: boolean }) {
  useBottleneckUrl(active);
  const { state, progress, adapter, message, measured, rows, start, stop, warnings, dismissWarnings } =
    useBottleneckStore();
  const errors = useBottleneckStore((s) => Object.keys(s.errors).length);
  const running = state === 'running';
  const fits = measured ? measured.dims.length * measured.heads.length : 0;
  return (
    <>
      <LinkWarnings warnings={warnings} onDismiss={dismissWarnings} />
      <div className="workspace">
        <div className="settings-column">
          <BottleneckSettings disabled={running} />
        </div>
        <div className="results-column">
          <section className="card" aria-labelledby="sweep-heading">
            <div className="card-head">
              <h2 id="sweep-heading">Sweep</h2>
              <div className="controls" role="group" aria-label="Sweep controls">
                <button type="button" className="primary" onClick={start} disabled={running || errors > 0}>
                  Run sweep
                </button>
                <button type="button" onClick={stop} disabled={!running}>
                  Stop
                </button>
              </div>
            </div>
            <p className="summary" role="status" data-testid="bottleneck-status">
              {stateText[state]}
              {state !== 'idle' && ` — ${rows.length} / ${fits} fits`}
              {running &&
                progress &&
                ` (${progress.head}, d = ${progress.d}: step ${progress.done} / ${progress.total})`}
            </p>
            {adapter && <p className="hint">{adapter}</p>}
            {message && (
              <p className={state === 'failed' ? 'error-text' : 'hint'} role={state === 'failed' ? 'alert' : undefined}>
                {message}
              </p>
            )}
            <SweepTable />
          </section>
          <SweepPlots />
        </div>
      </div>
    </>
  );
}
