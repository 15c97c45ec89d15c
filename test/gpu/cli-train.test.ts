// The `continuum` command end to end in its own process: compare writes a record the page can
// import, with CSV beside it; bad settings fail with a message naming the field.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseRunFile } from '../../src/train/record';
import { defaultPresetName, presets } from '../../src/experiments/presets';

const run = promisify(execFile);
const bin = new URL('../../bin/continuum.mjs', import.meta.url).pathname;

async function continuum(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return continuumWith({}, ...args);
}

async function continuumWith(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      maxBuffer: 1 << 24,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const small = [
  '--set',
  'dataset=synthetic-copy',
  '--set',
  'data.maxLength=4',
  '--set',
  'data.targetVocab=16',
  '--set',
  'data.sourceVocab=16',
  '--set',
  'train.steps=6',
  '--set',
  'train.evalEvery=0',
];

describe('continuum compare / train', () => {
  it('compares the tiny preset and writes JSON and CSV in the format the page imports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'continuum-cli-'));
    const out = join(dir, 'run.json');
    // An empty kernel cache: the command times its kernel choices and stores them there.
    const cache = join(dir, 'kernels.json');
    // No --preset: the default comparison (kjv-web-live).
    const result = await continuumWith(
      { CONTINUUM_KERNEL_CACHE: cache },
      'compare',
      ...small,
      '--decode',
      '4',
      '--quiet',
      '--out',
      out,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(cache, 'utf8')) as object)).toHaveLength(2);
    expect(result.stdout).toContain('head: softmax');
    // Each evaluation stays on screen as a line of its own (--quiet drops only the bar), and the
    // --decode 4 samples of each run are printed after the table.
    for (const label of ['head: softmax', 'head: NLLvMF']) {
      expect(result.stderr).toMatch(
        new RegExp(
          `^eval ${label}.* @6: valid -?[0-9.]+, acc@1 [0-9.]+%, acc@5 [0-9.]+%.*, BLEU [0-9.]+ \\(dedup [0-9.]+, <unk> kept [0-9.]+, [0-9.]+% emitted <unk>\\)$`,
          'm',
        ),
      );
      expect(result.stdout).toMatch(new RegExp(`^Decoded validation sentences, ${label}.*, step 6`, 'm'));
    }
    expect(result.stdout.match(/^ {5}hypothesis: /gm)).toHaveLength(2 * 4);
    // The copy task's references are its sources: copying scores 100, beside the runs' BLEU.
    expect(result.stdout).toMatch(/^Baselines on the validation split: copying the source: BLEU 100\.00$/m);
    const parsed = parseRunFile(readFileSync(out, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value.preset).toBe(defaultPresetName);
    expect(parsed.value.runs.map((r) => r.status)).toEqual(['finished', 'finished']);
    for (const record of parsed.value.runs) {
      expect(record.metrics.at(-1)!.step).toBe(6);
      expect(record.evals).toHaveLength(1);
      expect(record.speed!.tokensPerSecond).toBeGreaterThan(0);
      expect(record.kernels).toEqual([
        expect.stringMatching(/^matmul: (register|tiled)$/),
        expect.stringMatching(/^top-k search: (fused|matmul)$/),
      ]);
    }
    const csv = readFileSync(join(dir, 'run.metrics.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('run,step,wallMs,tokens,loss,learningRate,gradNorm,tokensPerSecond');
    expect(readFileSync(join(dir, 'run.evals.csv'), 'utf8')).toContain('accuracy1');
  }, 240_000);

  it('names the setting when an override is invalid, and lists presets when the name is unknown', async () => {
    const bad = await continuum('train', '--preset', 'tiny-demo', '--set', 'model.heads=3');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('model.heads must divide model.dModel (64), got 3');
    const unknown = await continuum('compare', '--preset', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`available: ${Object.keys(presets).join(', ')}`);
  }, 60_000);
});
