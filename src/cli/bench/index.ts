import type { Engine } from '../../tensor/engine';
import { bottleneckBenchReport } from './bottleneck';
import { embeddingsBenchReport } from './embeddings';
import { firstPointBenchReport } from './firstPoint';
import { headsBenchReport } from './heads';
import { matmulBenchReport } from './matmul';
import { memoryBenchReport } from './memory';
import type { BenchReport } from './report';
import { trainingBenchReport } from './training';

/** Benchmarks by name; `npm run bench -- NAME` runs one, no name runs all. */
export const benchmarks: Record<string, (engine: Engine) => Promise<BenchReport>> = {
  matmul: (engine) => matmulBenchReport(engine),
  heads: (engine) => headsBenchReport(engine),
  embeddings: (engine) => embeddingsBenchReport(engine),
  training: (engine) => trainingBenchReport(engine),
  bottleneck: (engine) => bottleneckBenchReport(engine),
  memory: (engine) => memoryBenchReport(engine),
  'first-point': () => firstPointBenchReport(),
};
