import { useMemo } from 'react';
import { Plot } from './Plot';
import { PlotCard } from './PlotCard';
import { emptyMessage, type RunView } from './runView';
import { finalThroughputFigure, finalTokensPerSecond } from './summaryFigures';
import { throughputFigure } from './trainingFigures';

export function ThroughputPlot({ runs }: { runs: RunView[] }) {
  const overTime = useMemo(() => throughputFigure(runs), [runs]);
  const final = useMemo(() => finalThroughputFigure(runs), [runs]);
  const empty = emptyMessage(
    runs,
    (run) => finalTokensPerSecond(run) !== null,
    'Throughput appears after the warm-up steps…',
  );
  return (
    <PlotCard title="Throughput">
      <Plot
        figure={overTime}
        label="Target tokens per second against wall-clock seconds, one line per run"
        fileName="throughput"
        empty={empty}
        height={300}
      />
      {!empty && (
        <Plot
          figure={final}
          label="Final target tokens per second, one bar per run"
          fileName="throughput-final"
          empty={final.data.length === 0 ? 'Every run with a throughput is hidden.' : undefined}
          height={110 + 36 * final.data.length}
        />
      )}
    </PlotCard>
  );
}
