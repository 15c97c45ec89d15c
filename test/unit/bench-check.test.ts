// `npm run bench:check`: which figures count as more than 20 % worse, in each figure's good direction,
// and the command's report on real files (a baseline against itself, and a slower run).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { benchCheck, compareFigures, type BenchFigure } from '../../src/cli/bench/check';

const figure = (id: string, value: number, better: 'higher' | 'lower'): BenchFigure => ({
  id,
  value,
  unit: better === 'higher' ? 'GFLOP/s' : 'ms',
  better,
});

describe('bench:check', () => {
  it('flags a figure more than 20 % worse in its own direction, and lists missing ones', () => {
    const baseline = [
      figure('matmul', 10, 'higher'),
      figure('step', 100, 'lower'),
      figure('decode', 50, 'lower'),
      figure('gone', 1, 'higher'),
    ];
    const now = [
      figure('matmul', 7.9, 'higher'),
      figure('step', 119, 'lower'),
      figure('decode', 70, 'lower'),
      figure('new', 3, 'higher'),
    ];
    const { changes, regressions, missing } = compareFigures(baseline, now);
    expect(changes.map((c) => c.id)).toEqual(['matmul', 'step', 'decode']);
    expect(regressions.map((c) => c.id)).toEqual(['matmul', 'decode']);
    expect(changes.find((c) => c.id === 'decode')!.change).toBeCloseTo(50 / 70 - 1, 12);
    expect(missing).toEqual(['gone']);
  });

  it('reads two reports, prints the changes and exits 0; an unreadable file exits 2 with its name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-check-'));
    const write = (name: string, figures: BenchFigure[]) => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify({ format: 'continuum-bench', date: '2026-11-24T00:00:00Z', figures }));
      return path;
    };
    const base = write('base.json', [figure('matmul', 10, 'higher')]);
    const slow = write('slow.json', [figure('matmul', 5, 'higher')]);
    const output: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void output.push(line));
    const errors = vi.spyOn(console, 'error').mockImplementation((line: string) => void output.push(line));
    try {
      expect(await benchCheck(slow, base)).toBe(0);
      expect(output.join('\n')).toMatch(/-50 %\s+← worse[\s\S]*1 figure\(s\) more than 20 % worse: matmul/);
      expect(await benchCheck(base, base)).toBe(0);
      expect(output.at(-1)).toBe('No figure is more than 20 % worse.');
      writeFileSync(join(dir, 'other.json'), '{"format":"something-else"}');
      expect(await benchCheck(join(dir, 'other.json'), base)).toBe(2);
      expect(output.at(-1)).toMatch(/other\.json is not a benchmark report written by `npm run bench`/);
    } finally {
      log.mockRestore();
      errors.mockRestore();
    }
  });
});
