// Small run records for the plot tests (not a test file itself: vitest only collects *.test.ts).
import { resolvePreset } from '../../src/experiments/presets';
import type { RunView } from '../../src/app/plots/runView';
import type { RunRecord } from '../../src/train/record';

const [softmax, vmf] = resolvePreset('tiny-demo').runs;

export function record(kind: 'softmax' | 'vmf', overrides: Partial<RunRecord> = {}): RunRecord {
  const config = kind === 'softmax' ? softmax!.config : vmf!.config;
  return {
    format: 'continuum-run',
    formatVersion: 1,
    label: `head: ${kind}`,
    config,
    adapter: 'test',
    startedAt: '2025-01-02T03:04:05.678Z',
    status: 'running',
    metrics: [],
    evals: [],
    ...overrides,
  };
}

export function view(rec: RunRecord, color = '#4477AA', visible = true): RunView {
  return { record: rec, color, visible };
}
