import { useId, useMemo, useState } from 'react';
import { Plot } from './Plot';
import { PlotCard } from './PlotCard';
import { emptyMessage, type RunView } from './runView';
import { evalFigure, type TimeAxis } from './trainingFigures';

const axes: { value: TimeAxis; label: string }[] = [
  { value: 'step', label: 'Step' },
  { value: 'seconds', label: 'Wall-clock seconds' },
];

export function EvalPlot({ runs }: { runs: RunView[] }) {
  const [axis, setAxis] = useState<TimeAxis>('step');
  const group = useId();
  const figure = useMemo(() => evalFigure(runs, axis), [runs, axis]);
  const controls = (
    <fieldset className="plot-radios">
      <legend>x axis</legend>
      {axes.map(({ value, label }) => (
        <label key={value}>
          <input type="radio" name={group} value={value} checked={axis === value} onChange={() => setAxis(value)} />{' '}
          {label}
        </label>
      ))}
    </fieldset>
  );
  return (
    <PlotCard title="Validation accuracy and BLEU" controls={controls}>
      <Plot
        figure={figure}
        label={`Validation accuracy@1 and BLEU against ${axis === 'step' ? 'step' : 'wall-clock seconds'}, one line per run`}
        fileName="validation"
        height={420}
        empty={emptyMessage(runs, (run) => run.record.evals.length > 0, 'Waiting for the first evaluation…')}
      />
    </PlotCard>
  );
}
