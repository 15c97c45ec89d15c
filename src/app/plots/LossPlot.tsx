import { useMemo, useState } from 'react';
import { Plot } from './Plot';
import { PlotCard } from './PlotCard';
import { emptyMessage, type RunView } from './runView';
import { lossFigure } from './trainingFigures';

export function LossPlot({ runs }: { runs: RunView[] }) {
  const [normalised, setNormalised] = useState(false);
  const figure = useMemo(() => lossFigure(runs, { normalised }), [runs, normalised]);
  const controls = (
    <label className="plot-toggle">
      <input type="checkbox" checked={normalised} onChange={(event) => setNormalised(event.target.checked)} />{' '}
      Normalised
      <span className="hint-inline"> (each run rescaled to [0, 1] of its own range)</span>
    </label>
  );
  return (
    <PlotCard title="Training loss" controls={controls}>
      <Plot
        figure={figure}
        label={
          normalised
            ? 'Training loss against step, each run rescaled to its own range'
            : 'Training loss against step, one line per run'
        }
        fileName="training-loss"
        empty={emptyMessage(runs, (run) => run.record.metrics.length > 0, 'Waiting for the first training steps…')}
      />
    </PlotCard>
  );
}
