import { useTrainingStore } from '../state/training';

/**
 * The choices for each run the NaN guard holds (the paused comparison's message says why). There
 * is no "go on as it is": the same batches and dropout masks would give the same NaN again.
 */
export function HeldRuns() {
  const held = useTrainingStore((s) => s.held);
  const records = useTrainingStore((s) => s.records);
  const decide = useTrainingStore((s) => s.decideDivergence);
  if (held.length === 0) return null;
  return (
    <ul className="held-runs" aria-label="Runs held by the NaN guard">
      {held.map(({ runIndex, rollbackStep }) => {
        const label = records[runIndex]?.label ?? `run ${runIndex + 1}`;
        return (
          <li key={runIndex}>
            {rollbackStep !== undefined && (
              <button type="button" onClick={() => decide(runIndex, 'rollback')}>
                Roll back “{label}” to step {rollbackStep} at half the learning rate
              </button>
            )}
            <button type="button" onClick={() => decide(runIndex, 'end')}>
              End “{label}”
            </button>
          </li>
        );
      })}
    </ul>
  );
}
