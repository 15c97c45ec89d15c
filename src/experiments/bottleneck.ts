// The synthetic softmax-bottleneck task (methods spec (c) item 6): N contexts, each with a true
// next-token distribution p*(·|c) over V tokens. The logits are seeded Gaussians G ~ N(0, 1) divided
// by a temperature, so log p* = G/T − logsumexp has rank min(N, V): far above the hidden size d, which
// caps a linear softmax's log-probability matrix at rank d + 1. Pure CPU code; the GPU part is in
// src/train/bottleneck.ts.
import { z } from '../zod';
import { headSchema, tablelessVocabularyKinds, type HeadSpec } from '../heads';
import { jacobiSvd } from '../math/linalg';
import { mulberry32, normalSampler } from '../math/random';
import { formatIssues } from './configIssues';

const count = (min: number, max: number) => {
  const error = (issue: { input?: unknown }) =>
    `must be an integer from ${min} to ${max}, got ${JSON.stringify(issue.input)}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

/** 2^24 cells: 256 MiB for p* and log p* together. */
const maxTargetCells = 2 ** 24;

export const bottleneckSchema = z
  .strictObject({
    contexts: count(1, 65_536).default(256),
    vocab: count(2, 65_536).default(256),
    temperature: z.number().gt(0).max(1000).default(1),
    dims: z.array(count(1, 4096)).min(1).default([2, 4, 8, 16, 32, 64]),
    heads: z
      .array(headSchema)
      .min(1)
      .default([{ kind: 'softmax' }, { kind: 'plif', pieces: 1000 }, { kind: 'mos', components: 15 }])
      .refine((heads) => heads.every((h) => tablelessVocabularyKinds.includes(h.kind)), {
        error: `must list vocabulary-scoring heads only (${tablelessVocabularyKinds.join(', ')})`,
      })
      // The contexts are free vectors, with no input embedding to tie an output layer to.
      .refine((heads) => heads.every((h) => !('tied' in h && h.tied)), {
        error: 'must not tie a head ("tied": true): the task has no input embedding',
      }),
    steps: count(1, 1_000_000).default(300),
    samplesPerContext: count(1, 4096).default(4),
    learningRate: z.number().gt(0).max(10).default(0.01),
    seed: count(0, 2 ** 32 - 1).default(1),
  })
  // p* and log p* live on the CPU as float64 [N, V] (and the exact cross-entropy scores every cell).
  .refine((c) => c.contexts * c.vocab <= maxTargetCells, {
    path: ['vocab'],
    error: `must keep contexts × vocab at most ${maxTargetCells.toLocaleString('en')} (p* and log p* are float64 [N, V] arrays on the CPU)`,
  });

export type BottleneckConfig = z.output<typeof bottleneckSchema> & { heads: HeadSpec[] };

/** Validates the settings; throws one line per problem, each naming its field. */
export function parseBottleneckConfig(input: unknown): BottleneckConfig {
  const result = bottleneckSchema.safeParse(input ?? {}, { reportInput: true });
  if (!result.success) throw new Error(`Invalid bottleneck settings:\n  ${formatIssues(result.error).join('\n  ')}`);
  return result.data as BottleneckConfig;
}

export interface BottleneckTask {
  contexts: number;
  vocab: number;
  /** p*(y|c) [N, V], row-major, rows sum to 1. */
  probs: Float64Array;
  /** log p*(y|c) [N, V]. */
  logProbs: Float64Array;
  /** Mean over contexts of H(p*(·|c)), nats: the lowest cross-entropy any model can reach. */
  entropy: number;
  /** argmax_y p*(y|c) per context, the target of mode matching. */
  argmax: Int32Array;
}

/** The seeded true distributions: same seed, same task, in Node and the browser. */
export function bottleneckTask({
  contexts,
  vocab,
  temperature,
  seed,
}: Pick<BottleneckConfig, 'contexts' | 'vocab' | 'temperature' | 'seed'>): BottleneckTask {
  const normal = normalSampler(seed);
  const probs = new Float64Array(contexts * vocab);
  const logProbs = new Float64Array(contexts * vocab);
  const argmax = new Int32Array(contexts);
  let entropy = 0;
  for (let c = 0; c < contexts; c++) {
    const row = c * vocab;
    let max = -Infinity;
    for (let y = 0; y < vocab; y++) {
      const logit = normal() / temperature;
      logProbs[row + y] = logit;
      if (logit > max) [max, argmax[c]] = [logit, y];
    }
    let sum = 0;
    for (let y = 0; y < vocab; y++) sum += Math.exp(logProbs[row + y]! - max);
    const logZ = max + Math.log(sum);
    for (let y = 0; y < vocab; y++) {
      logProbs[row + y] -= logZ;
      probs[row + y] = Math.exp(logProbs[row + y]!);
      entropy -= probs[row + y]! * logProbs[row + y]!;
    }
  }
  return { contexts, vocab, probs, logProbs, entropy: entropy / contexts, argmax };
}

/** Singular values above `relTol`·σ_max: the numeric rank of a [rows, cols] row-major matrix. */
export function numericRank(matrix: ArrayLike<number>, rows: number, cols: number, relTol = 1e-9): number {
  const { s } = jacobiSvd(matrix, rows, cols);
  const top = s[0] ?? 0;
  return top === 0 ? 0 : s.filter((value) => value > relTol * top).length;
}

/**
 * Draws `perContext` targets from each context's p* by inverse CDF, context-major: row r is context
 * ⌊r / perContext⌋, which is how the trainer lays out its gathered hidden states.
 */
export function targetSampler(task: BottleneckTask, perContext: number, seed: number): () => Int32Array {
  const { contexts, vocab, probs } = task;
  const cdf = new Float64Array(probs.length);
  for (let c = 0; c < contexts; c++) {
    let total = 0;
    for (let y = 0; y < vocab; y++) cdf[c * vocab + y] = total += probs[c * vocab + y]!;
  }
  const uniform = mulberry32(seed);
  return () => {
    const targets = new Int32Array(contexts * perContext);
    for (let r = 0; r < targets.length; r++) {
      const row = Math.floor(r / perContext) * vocab;
      // The last entry of a CDF may round below 1: fall back to the last token.
      const u = uniform() * cdf[row + vocab - 1]!;
      let y = 0;
      while (y < vocab - 1 && cdf[row + y]! <= u) y++;
      targets[r] = y;
    }
    return targets;
  };
}
