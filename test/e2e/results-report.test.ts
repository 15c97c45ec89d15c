// docs/results.md as `continuum reproduce` writes it, from records laid out as the runner leaves
// them: mean ± std over the seeds recorded so far, the baseline row, a status line for what is
// missing, figures as PNG files, and the page's recorded comparison once both of its runs exist.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../src/cli/reproduce/report';
import { recordFile, type SuiteStamp } from '../../src/cli/reproduce/runner';
import { suiteParts } from '../../src/cli/reproduce/suite';
import { parseRunFile, toJson, type RunRecord } from '../../src/train/record';
import { fullRun } from '../helpers/runRecord';

const out = join(mkdtempSync(join(tmpdir(), 'continuum-report-')), 'results');
const parts = suiteParts('small');
const translation = parts.find((p) => p.name === 'translation-kjv-web')!;
if (translation.kind !== 'training') throw new Error('not a training part');

const stamp = (wallMs: number): SuiteStamp => ({
  date: '2026-12-02T15:00:00.000Z',
  commit: 'abc1234',
  adapter: 'Adapter: google / swiftshader (fallback)',
  command: 'continuum reproduce',
  scale: 'small',
  wallMs,
});

/**
 * A finished run of the planned id whose evaluations at steps 100, 200, 300 score these BLEUs; stopped early at 300,
 * best 200.
 */
function write(id: string, bleus: [number, number, number]) {
  const planned = translation.kind === 'training' ? translation.runs.find((r) => r.id === id)! : undefined;
  const run: RunRecord = {
    ...fullRun(planned!.head, planned!.config),
    evals: bleus.map((bleu, i) => ({
      step: 100 * (i + 1),
      wallMs: 60_000 * (i + 1),
      validLoss: 3 - i / 10,
      accuracy1: [0.3, 0.5, 0.45][i]!,
      accuracy5: 0.6,
      bleu,
      bleuUnkKept: bleu / 2,
      bleuNoDuplicates: bleu + 1,
    })),
    earlyStop: { step: 300, bestStep: 200, patience: 1 },
    baselines: { copyBleu: 61.9 },
  };
  const file = recordFile(out, translation.name, id);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    toJson({ format: 'continuum-comparison', formatVersion: 1, runs: [run], stamp: stamp(180_000) } as never),
  );
}

describe('the results document', () => {
  it('summarises the recorded runs, says what is missing, draws the figures and ships the page’s comparison', async () => {
    write('softmax-seed1', [1, 10, 12]);
    write('softmax-seed2', [2, 12, 13]);
    write('nllvmf-log-1-0-2-cos-seed1', [0, 3, 4]);
    const shipped = {
      file: join(out, 'kjv-web.json'),
      part: translation.name,
      ids: ['softmax-seed1', 'nllvmf-log-1-0-2-cos-seed1'],
      preset: 'kjv-web',
      title: 'KJV → WEB',
    };
    const written = await writeReport({ out, scale: 'small', parts, shipped });

    const markdown = readFileSync(`${out}.md`, 'utf8');
    // Each run is reported at its best evaluation (step 200): BLEU 10 and 12 → 11.00 ± 1.41.
    expect(markdown).toContain('| softmax | 2/3 | 11.00 ± 1.41 | 5.50 ± 0.71 | 12.00 ± 1.41 | – | 50.0 ± 0.0 |');
    expect(markdown).toContain('| NLLvMF log(1+κ)(0.2−cos) | 1/3 | 3.00 | 1.50 | 4.00 | – | 50.0 |');
    expect(markdown).toContain('| cosine | 0/1 | – |');
    expect(markdown).toContain('| copy the source | – | 61.90 | 61.90 | 61.90 |');
    expect(markdown).toContain(`**Status: 3 of ${translation.runs.length} runs recorded**`);
    expect(markdown).toContain('*Reading: not yet written.*');
    expect(markdown).toContain('softmax-seed1: 2026-12-02 15:00 UTC, commit abc1234, 3.0 min');
    expect(markdown).toContain(
      '![validation BLEU (<unk> replaced) by step](results/figures/translation-kjv-web-quality-step.png)',
    );

    // The comparators part shares seed 1 of softmax and NLLvMF: read from translation-kjv-web's records.
    const comparators = markdown.slice(markdown.indexOf('## Newer comparators'));
    expect(comparators).toContain('| softmax | 1/1 | 10.00 |');
    expect(comparators).toContain('| NLLvMF log(1+κ)(0.2−cos) | 1/1 | 3.00 |');
    expect(comparators).toContain('| power-spherical | 0/1 | – |');

    const figures = written.filter((f) => f.endsWith('.png'));
    expect(figures.map((f) => f.split('/').at(-1))).toEqual(
      ['translation-kjv-web', 'comparators-kjv-web'].flatMap((part) =>
        ['quality-step', 'quality-time', 'accuracy-step'].map((figure) => `${part}-${figure}.png`),
      ),
    );
    for (const figure of figures) expect(readFileSync(figure).subarray(1, 4).toString()).toBe('PNG');

    expect(written).toContain(shipped.file);
    const page = parseRunFile(readFileSync(shipped.file, 'utf8'));
    if (!page.ok) throw new Error(page.error);
    expect(page.value.runs.map((r) => r.label)).toEqual(['softmax', 'NLLvMF log(1+κ)(0.2−cos)']);
    expect(page.value.stamp).toMatchObject({ title: 'KJV → WEB', commit: 'abc1234', wallMs: 360_000 });
    expect(page.value.preset).toBe('kjv-web');
  }, 120_000);

  it('leaves the page’s comparison alone until both of its runs are recorded', async () => {
    const empty = join(mkdtempSync(join(tmpdir(), 'continuum-report-')), 'results');
    const shipped = {
      file: join(empty, 'kjv-web.json'),
      part: translation.name,
      ids: ['softmax-seed1', 'nllvmf-log-1-0-2-cos-seed1'],
      preset: 'kjv-web',
      title: 'KJV → WEB',
    };
    const written = await writeReport({ out: empty, scale: 'small', parts, shipped });
    expect(written).toEqual([`${empty}.md`]);
    expect(existsSync(shipped.file)).toBe(false);
    expect(readFileSync(`${empty}.md`, 'utf8')).toContain(`**Status: 0 of ${translation.runs.length} runs recorded**`);
  }, 60_000);
});
