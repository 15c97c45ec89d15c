import { useId, useMemo, useState } from 'react';
import { Plot } from '../plots/Plot';
import { PlotCard } from '../plots/PlotCard';
import { isContinuous, latestEval, type RunView } from '../plots/runView';
import { embeddingFigure } from './embeddingFigure';
import { tokenAt } from './samples';
import { useTokenSelection, type TokenSelectionProps } from './useTokenSelection';
import './views.css';

/** The embedding map of a continuous run, with the predicted direction of one decoded token. */
export function EmbeddingView({ runs, ...selection }: { runs: RunView[] } & TokenSelectionProps) {
  const runSelectId = useId();
  const tokenSelectId = useId();
  const [selected, select] = useTokenSelection(selection);
  const candidates = runs.flatMap((run, index) => (isContinuous(run.record) && run.record.embeddingMap ? [index] : []));
  const [chosenRun, setChosenRun] = useState<number>();
  // A token chosen elsewhere (the samples table) brings its run into view.
  const runIndex =
    [selected?.run, chosenRun].find((index) => index !== undefined && candidates.includes(index)) ?? candidates[0];
  const run = runIndex === undefined ? undefined : runs[runIndex];
  const samples = run ? (latestEval(run.record, 'samples')?.samples ?? []) : [];
  const token = runIndex === undefined || selected?.run !== runIndex ? undefined : tokenAt(runs, selected);
  const figure = useMemo(
    () =>
      run?.record.embeddingMap ? embeddingFigure(run.record.embeddingMap, run.color, token) : { data: [], layout: {} },
    [run, token],
  );

  const controls = run && runIndex !== undefined && (
    <>
      <label htmlFor={runSelectId}>Run</label>
      <select
        id={runSelectId}
        value={runIndex}
        onChange={(event) => {
          setChosenRun(Number(event.target.value));
          select(null);
        }}
      >
        {candidates.map((index) => (
          <option key={index} value={index}>
            {runs[index]!.record.label}
          </option>
        ))}
      </select>
      <label htmlFor={tokenSelectId}>Token</label>
      <select
        id={tokenSelectId}
        value={token && selected ? `${selected.sample}:${selected.token}` : ''}
        onChange={(event) => {
          const [sample, index] = event.target.value.split(':').map(Number);
          select(event.target.value ? { run: runIndex, sample: sample!, token: index! } : null);
        }}
      >
        <option value="">{samples.length > 0 ? 'None' : 'No decoded samples yet'}</option>
        {samples.map((sample, sampleIndex) => (
          <optgroup key={sampleIndex} label={`Sample ${sampleIndex + 1}: ${sample.hypothesis.slice(0, 60)}`}>
            {(sample.tokens ?? []).map((t, index) =>
              t.x === undefined || t.y === undefined ? null : (
                <option key={index} value={`${sampleIndex}:${index}`}>
                  {t.token}
                  {t.kappa === undefined ? '' : ` (κ ${t.kappa.toPrecision(3)})`}
                </option>
              ),
            )}
          </optgroup>
        ))}
      </select>
    </>
  );
  return (
    <PlotCard title="Embedding map" controls={controls}>
      <Plot
        figure={figure}
        label={
          run
            ? `Embedding map of ${run.record.label}: target words projected to two dimensions${token ? `, with the predicted direction for “${token.token}” and lines to its neighbours` : ''}`
            : 'Embedding map'
        }
        fileName="embedding-map"
        height={480}
        empty={
          run
            ? undefined
            : runs.length === 0
              ? 'No runs yet.'
              : 'The map needs a continuous run (vMF, L2, cosine or margin head); softmax runs have none.'
        }
      />
    </PlotCard>
  );
}
