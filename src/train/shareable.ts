// Runs made small enough to travel: in a "Share results" link (the page) and as the recorded
// comparison the page opens on (public/results/, written by `continuum reproduce`). Both keep each
// run's figures and curves downsampled to at most 200 points, and drop the embedding map and the κ
// samples; a recorded comparison also keeps what its last evaluation decoded.
import { toJson, type ComparisonRecord, type RunRecord, type Stamp } from './record';

export const maxPointsPerRun = 200;
/** The most decoded samples a recorded comparison keeps per run (from its last evaluation). */
export const maxRecordedSamples = 10;
/** A recorded comparison's JSON may not pass this: the page fetches it before anything else. */
export const maxRecordedBytes = 300 * 1024;

/** At most `max` points, evenly spaced, the first and the last kept. */
export function downsample<T>(points: readonly T[], max = maxPointsPerRun): T[] {
  if (points.length <= max) return [...points];
  return Array.from({ length: max }, (_, i) => points[Math.round((i * (points.length - 1)) / (max - 1))]!);
}

/** A run as it travels in a results link: no decoded samples, κ samples or embedding map. */
export function shareableRun(run: RunRecord): RunRecord {
  const { embeddingMap: _map, ...rest } = run;
  const evals = downsample(run.evals).map(({ samples: _samples, kappas: _kappas, ...figures }) => figures);
  return { ...rest, metrics: downsample(run.metrics), evals };
}

/** As shareableRun, with the last evaluation's first samples; `tokens: false` also drops their per-token detail. */
function recordedRun(run: RunRecord, tokens: boolean): RunRecord {
  const shared = shareableRun(run);
  const samples = run.evals
    .at(-1)
    ?.samples?.slice(0, maxRecordedSamples)
    .map((sample) =>
      tokens ? sample : { source: sample.source, reference: sample.reference, hypothesis: sample.hypothesis },
    );
  if (!samples?.length) return shared;
  return { ...shared, evals: [...shared.evals.slice(0, -1), { ...shared.evals.at(-1)!, samples }] };
}

/**
 * A finished comparison as the page shows it on opening, stamped with who produced it. Each
 * sample keeps its per-token detail (top-5 neighbours, κ) unless that would pass maxRecordedBytes;
 * throws when even without it the JSON is larger.
 */
export function recordedComparison(runs: readonly RunRecord[], stamp: Stamp, preset?: string): ComparisonRecord {
  const bytes = (record: ComparisonRecord) => new TextEncoder().encode(toJson(record)).length;
  const build = (tokens: boolean): ComparisonRecord => ({
    format: 'continuum-comparison',
    formatVersion: 1,
    ...(preset ? { preset } : {}),
    stamp,
    runs: runs.map((run) => recordedRun(run, tokens)),
  });
  const full = build(true);
  if (bytes(full) <= maxRecordedBytes) return full;
  const small = build(false);
  const size = bytes(small);
  if (size > maxRecordedBytes) {
    throw new Error(
      `The recorded comparison is ${size.toLocaleString('en-US')} bytes of JSON, more than ${maxRecordedBytes.toLocaleString('en-US')} (${runs.length} runs)`,
    );
  }
  return small;
}
