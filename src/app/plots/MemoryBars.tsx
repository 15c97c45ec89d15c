import { useMemo } from 'react';
import { Plot } from './Plot';
import { PlotCard } from './PlotCard';
import { emptyMessage, type RunView } from './runView';
import { memoryFigure } from './summaryFigures';

export function MemoryBars({ runs }: { runs: RunView[] }) {
  const figure = useMemo(() => memoryFigure(runs), [runs]);
  const bars = runs.filter((run) => run.visible && run.record.memory).length;
  const empty = emptyMessage(
    runs,
    (run) => run.record.memory !== undefined,
    'Memory is reported once a run has built its model…',
  );
  return (
    <PlotCard title="Memory">
      <Plot
        figure={figure}
        label="GPU memory per run in MiB, stacked by parameters, optimizer state, activations and frozen tables"
        fileName="memory"
        empty={empty ?? (bars === 0 ? 'Every run that reported memory is hidden.' : undefined)}
        height={150 + 36 * bars}
      />
    </PlotCard>
  );
}
