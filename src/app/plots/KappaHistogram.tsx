import { useMemo } from 'react';
import { Plot } from './Plot';
import { PlotCard } from './PlotCard';
import { emptyMessage, isContinuous, latestEval, type RunView } from './runView';
import { kappaFigure } from './summaryFigures';

export function KappaHistogram({ runs }: { runs: RunView[] }) {
  const figure = useMemo(() => kappaFigure(runs), [runs]);
  const waiting = runs.some((run) => isContinuous(run.record))
    ? 'Waiting for the first evaluation of a continuous run…'
    : 'κ = ‖ê‖ exists only for continuous heads; no run here has one.';
  return (
    <PlotCard title="Concentration κ">
      <p className="card-intro">
        The length of each predicted embedding on validation tokens, at each continuous run’s latest evaluation.
      </p>
      <Plot
        figure={figure}
        label="Histogram of κ, the norm of the predicted embedding, per continuous run"
        fileName="kappa-histogram"
        empty={emptyMessage(
          runs,
          (run) => isContinuous(run.record) && (latestEval(run.record, 'kappas')?.kappas.length ?? 0) > 0,
          waiting,
        )}
      />
    </PlotCard>
  );
}
