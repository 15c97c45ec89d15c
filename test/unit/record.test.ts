import { describe, expect, it } from 'vitest';
import { evalsCsv, metricsCsv, parseRunFile, toJson } from '../../src/train/record';
import { fullComparison as comparison, fullRun as run, softmaxConfig } from '../helpers/runRecord';

/** A minimal RFC 4180 reader, independent of the writer. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('run records', () => {
  it('round-trips a comparison through JSON, non-finite numbers included', () => {
    expect(parseRunFile(toJson(comparison))).toEqual({ ok: true, value: comparison });
  });

  it('wraps a single run into a comparison', () => {
    expect(parseRunFile(toJson(run('one')))).toEqual({
      ok: true,
      value: { format: 'continuum-comparison', formatVersion: 1, runs: [run('one')] },
    });
  });

  it('explains what is wrong and where', () => {
    const fail = (text: string) => {
      const result = parseRunFile(text);
      return result.ok ? '' : result.error;
    };
    expect(fail('{"format": ')).toMatch(/^Not a run file: the text is not valid JSON/);
    expect(fail('[]')).toBe('Not a run file: "format" must be "continuum-run" or "continuum-comparison", got nothing');
    expect(fail(JSON.stringify({ ...comparison, formatVersion: 2 }))).toBe(
      'Invalid continuum-comparison file: formatVersion must be 1, got 2',
    );
    const badStep = structuredClone(comparison);
    badStep.runs[1]!.metrics[0]!.step = -1;
    expect(fail(toJson(badStep))).toMatch(/^Invalid continuum-comparison file: runs\[1\]\.metrics\[0\]\.step /);
    const badConfig = structuredClone(comparison);
    badConfig.runs[0]!.config.model.heads = 3;
    expect(fail(toJson(badConfig))).toBe(
      'Invalid continuum-comparison file: runs[0].config.model.heads must divide model.dModel (64), got 3',
    );
  });

  it('accepts a config naming a dataset this machine does not ship', () => {
    expect(parseRunFile(toJson(run('x', { ...softmaxConfig, dataset: 'my-upload' }))).ok).toBe(true);
  });

  it('writes metrics and evaluations as RFC 4180 CSV whose labels round-trip', () => {
    const metrics = readCsv(metricsCsv(comparison));
    expect(metrics[0]).toEqual([
      'run',
      'step',
      'wallMs',
      'tokens',
      'loss',
      'learningRate',
      'gradNorm',
      'tokensPerSecond',
    ]);
    expect(metrics).toHaveLength(5);
    expect(metrics[1]).toEqual(['head: softmax', '1', '10', '100', '6.5', '0.0001', '2', '']);
    expect(metrics[4]![0]).toBe(comparison.runs[1]!.label);
    expect(metrics[4]!.slice(4)).toEqual(['NaN', '0.0002', '', 'Infinity']);
    const evals = readCsv(evalsCsv(comparison));
    expect(evals[0]).toEqual([
      'run',
      'step',
      'wallMs',
      'validLoss',
      'accuracy1',
      'accuracy5',
      'perplexity',
      'bleu',
      'bleuNoDuplicates',
      'bleuUnkKept',
      'unknownShare',
      'brier1',
      'brier2',
      'brier3',
      'brier4',
      'brierLm',
    ]);
    expect(evals.map((row) => row[0])).toEqual(['run', 'head: softmax', comparison.runs[1]!.label]);
    const first = comparison.runs[0]!;
    const withBrier = { ...first, evals: [{ ...first.evals[0]!, brier: [0.25, 0.125, 0.0625, -0.5], brierLm: 3.5 }] };
    expect(readCsv(evalsCsv({ ...comparison, runs: [withBrier] }))[1]!.slice(-5)).toEqual([
      '0.25',
      '0.125',
      '0.0625',
      '-0.5',
      '3.5',
    ]);
  });
});
