// `continuum reproduce`'s runner on a tiny part: records are written once and never redone, and a
// run interrupted mid-way checkpoints where it stands and continues from there, its curve unbroken.
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordFile, runPart, type SuiteContext } from '../../src/cli/reproduce/runner';
import type { Part } from '../../src/cli/reproduce/suite';
import { defaultConfig } from '../../src/experiments/config';
import { mergeConfig } from '../../src/experiments/overrides';
import { parseRunFile } from '../../src/train/record';
import { getEngine } from '../helpers/gpu';

const config = mergeConfig(defaultConfig, {
  task: 'translation',
  dataset: 'synthetic-copy',
  data: { sourceVocab: 16, targetVocab: 16, maxLength: 4, trainSentences: 64, validSentences: 8 },
  embeddings: { source: 'in-app', dimension: 16 },
  model: { encoderLayers: 1, decoderLayers: 1, dModel: 16, heads: 2, ffn: 32, dropout: 0 },
  train: { steps: 8, batchSentences: 8, evalEvery: 4, logEvery: 1, checkpointEvery: 100 },
});
const part: Part = {
  kind: 'training',
  name: 'tiny',
  title: 'Tiny',
  question: 'Does the runner resume?',
  runs: [{ id: 'softmax-seed1', head: 'softmax', seed: 1, config }],
};

describe('the results-suite runner', () => {
  it('checkpoints an interrupted run where it stands, continues it, and never re-runs a recorded one', async () => {
    const engine = await getEngine();
    const out = mkdtempSync(join(tmpdir(), 'continuum-reproduce-'));
    const lines: string[] = [];
    // Interrupted while the evaluation at step 4 is logged (no checkpoint is scheduled before step 100).
    let interrupted = false;
    const log = (line: string) => lines.push(line) && (interrupted ||= line.includes('@4'));
    const context: SuiteContext = {
      engine,
      adapter: 'test',
      out,
      scale: 'small',
      command: 'test',
      log,
      interrupted: () => interrupted,
    };
    expect(await runPart(context, part)).toBe(false);
    const file = recordFile(out, 'tiny', 'softmax-seed1');
    const checkpoint = join(out, 'checkpoints', 'tiny', 'softmax-seed1.ckpt');
    expect(existsSync(file)).toBe(false);
    expect(existsSync(checkpoint)).toBe(true);
    expect(lines.join('\n')).toContain('stopped at step 4');

    interrupted = false;
    context.log = (line) => lines.push(line);
    expect(await runPart(context, part)).toBe(true);
    expect(lines.join('\n')).toContain('continuing from its checkpoint');
    expect(existsSync(checkpoint)).toBe(false);
    const text = await readFile(file, 'utf8');
    const parsed = parseRunFile(text);
    if (!parsed.ok) throw new Error(parsed.error);
    const run = parsed.value.runs[0]!;
    expect(run.status).toBe('finished');
    expect(run.metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(run.evals.map((e) => e.step)).toEqual([4, 8]);
    const stamp = (JSON.parse(text) as { stamp: { adapter: string; scale: string; wallMs: number } }).stamp;
    expect(stamp).toMatchObject({ adapter: 'test', scale: 'small' });
    expect(Number.isFinite(stamp.wallMs)).toBe(true);

    const written = statSync(file).mtimeMs;
    lines.length = 0;
    expect(await runPart(context, part)).toBe(true);
    expect(lines).toEqual([]);
    expect(statSync(file).mtimeMs).toBe(written);
  }, 120_000);

  it('runs only the runs asked for (--only PART/RUN), leaving the rest for later', async () => {
    const short = mergeConfig(config, { train: { steps: 2, evalEvery: 2 } });
    const two: Part = {
      ...part,
      runs: [1, 2].map((seed) => ({ id: `softmax-seed${seed}`, head: 'softmax', seed, config: short })),
    };
    const out = mkdtempSync(join(tmpdir(), 'continuum-reproduce-'));
    const context: SuiteContext = {
      engine: await getEngine(),
      adapter: 'test',
      out,
      scale: 'small',
      command: 'test',
      log: () => {},
    };
    expect(await runPart(context, two, new Set(['softmax-seed2']))).toBe(true);
    expect([1, 2].map((seed) => existsSync(recordFile(out, 'tiny', `softmax-seed${seed}`)))).toEqual([false, true]);
  }, 120_000);
});
