import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolvePreset } from '../../src/experiments/presets';
import { evalsCsv, metricsCsv, parseRunFile, toJson, type ComparisonRecord, type RunRecord } from '../../src/train/record';

const [softmaxRun, vmfRun] = resolvePreset('tiny-demo').runs;

function run(label: string, config = softmaxRun!.config): RunRecord {
  return {
    format: 'continuum-run',
    formatVersion: 1,
    label,
    config,
    adapter: 'SwiftShader',
    startedAt: '2025-01-02T03:04:05.678Z',
    status: 'finished',
    metrics: [
      { step: 1, wallMs: 10, tokens: 100, loss: 6.5, learningRate: 1e-4, gradNorm: 2 },
      { step: 2, wallMs: 20.5, tokens: 200, loss: NaN, learningRate: 2e-4, tokensPerSecond: Infinity },
    ],
    evals: [{ step: 2, wallMs: 25, validLoss: 6, accuracy1: 0.1, accuracy5: 0.3, bleu: 1.5, samples: [{ source: 'a', reference: 'b', hypothesis: 'c' }] }],
    speed: { tokensPerSecond: 1000, compileMs: 50, warmupMs: 5, msPerStep: { total: 10, forward: 4 } },
    memory: { parameters: 10, optimizerState: 20, activations: 30, frozen: 40, outputLayerParams: 5 },
  };
}

const comparison: ComparisonRecord = {
  format: 'continuum-comparison',
  formatVersion: 1,
  preset: 'tiny-demo',
  runs: [run('head: softmax'), run('head: "vMF", λ=0.1\nsecond line', vmfRun!.config)],
};

/** A minimal RFC 4180 reader, independent of the writer. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += ch;
  }
  return rows;
}

describe('run records', () => {
  it('round-trips a comparison through JSON, non-finite numbers included', () => {
    expect(parseRunFile(toJson(comparison))).toEqual({ ok: true, value: comparison });
  });

  it('wraps a single run into a comparison', () => {
    expect(parseRunFile(toJson(run('one')))).toEqual({ ok: true, value: { format: 'continuum-comparison', formatVersion: 1, runs: [run('one')] } });
  });

  it('explains what is wrong and where', () => {
    const fail = (text: string) => {
      const result = parseRunFile(text);
      return result.ok ? '' : result.error;
    };
    expect(fail('{"format": ')).toMatch(/^Not a run file: the text is not valid JSON/);
    expect(fail('[]')).toBe('Not a run file: "format" must be "continuum-run" or "continuum-comparison", got nothing');
    expect(fail(JSON.stringify({ ...comparison, formatVersion: 2 }))).toBe('Invalid continuum-comparison file: formatVersion must be 1, got 2');
    const badStep = structuredClone(comparison);
    badStep.runs[1]!.metrics[0]!.step = -1;
    expect(fail(toJson(badStep))).toMatch(/^Invalid continuum-comparison file: runs\[1\]\.metrics\[0\]\.step /);
    const badConfig = structuredClone(comparison);
    badConfig.runs[0]!.config.model.heads = 3;
    expect(fail(toJson(badConfig))).toBe('Invalid continuum-comparison file: runs[0].config.model.heads must divide model.dModel (64), got 3');
  });

  it('accepts a config naming a dataset this machine does not ship', () => {
    expect(parseRunFile(toJson(run('x', { ...softmaxRun!.config, dataset: 'my-upload' }))).ok).toBe(true);
  });

  it('writes metrics and evaluations as RFC 4180 CSV whose labels round-trip', () => {
    const metrics = readCsv(metricsCsv(comparison));
    expect(metrics[0]).toEqual(['run', 'step', 'wallMs', 'tokens', 'loss', 'learningRate', 'gradNorm', 'tokensPerSecond']);
    expect(metrics).toHaveLength(5);
    expect(metrics[1]).toEqual(['head: softmax', '1', '10', '100', '6.5', '0.0001', '2', '']);
    expect(metrics[4]![0]).toBe(comparison.runs[1]!.label);
    expect(metrics[4]!.slice(4)).toEqual(['NaN', '0.0002', '', 'Infinity']);
    const evals = readCsv(evalsCsv(comparison));
    expect(evals[0]).toEqual(['run', 'step', 'wallMs', 'validLoss', 'accuracy1', 'accuracy5', 'perplexity', 'bleu', 'bleuNoDuplicates']);
    expect(evals.map((row) => row[0])).toEqual(['run', 'head: softmax', comparison.runs[1]!.label]);
  });

  it('never throws on arbitrary text or arbitrary JSON', () => {
    const outcome = (text: string) => {
      const result = parseRunFile(text);
      return result.ok || result.error.length > 0;
    };
    fc.assert(fc.property(fc.string(), outcome), { numRuns: 300 });
    fc.assert(fc.property(fc.json(), outcome), { numRuns: 300 });
    // Near-misses reach deep into the schema: a valid file with one value replaced by anything.
    const valid = JSON.parse(toJson(comparison)) as Record<string, unknown>;
    const paths = [['runs'], ['runs', 0, 'config'], ['runs', 0, 'metrics', 1], ['runs', 1, 'config', 'head'], ['runs', 0, 'speed', 'msPerStep']];
    fc.assert(fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
      const copy = structuredClone(valid);
      let node = copy as Record<string | number, unknown>;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
      node[path.at(-1)!] = value;
      return outcome(JSON.stringify(copy));
    }), { numRuns: 300 });
  });
});
