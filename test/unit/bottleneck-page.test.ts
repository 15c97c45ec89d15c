// The page side of the synthetic bottleneck experiment: its link codec, the worker events folded into
// the sweep on screen, and the metric-against-d figures.
import { describe, expect, it } from 'vitest';
import { bottleneckFigure } from '../../src/app/plots/bottleneckFigures';
import {
  bottleneckPreset,
  decodeBottleneck,
  defaultBottleneckConfig,
  encodeBottleneck,
} from '../../src/app/share/bottleneckUrl';
import { linkPreset } from '../../src/app/share/url';
import { foldSweepEvent, type SweepView } from '../../src/app/state/bottleneck';
import { parseBottleneckConfig } from '../../src/experiments/bottleneck';
import type { BottleneckRow } from '../../src/train/bottleneck';

const row = (head: string, d: number, modeAccuracy: number, kl: number): BottleneckRow => ({
  head,
  d,
  ce: kl + 4,
  kl,
  modeAccuracy,
  trainLoss: 5,
  msPerStep: 3,
  paramCount: 10,
});

describe('bottleneck links', () => {
  it('write only the preset, the seed and what differs from the defaults', () => {
    expect(encodeBottleneck({ config: defaultBottleneckConfig, autostart: false })).toBe(
      `?v=2&preset=${bottleneckPreset}&seed=1`,
    );
    const config = parseBottleneckConfig({
      dims: [2, 8],
      steps: 50,
      heads: [{ kind: 'softmax' }, { kind: 'mos', components: 3 }],
    });
    const query = encodeBottleneck({ config, autostart: true });
    expect(new URLSearchParams(query).get('dims')).toBe('[2,8]');
    expect(linkPreset(query)).toBe(bottleneckPreset);
    expect(decodeBottleneck(query)).toEqual({ link: { config, autostart: true }, warnings: [] });
  });

  it('keep the default for each bad or unknown parameter and say why in plain text', () => {
    const { link, warnings } = decodeBottleneck(
      `?v=2&preset=${bottleneckPreset}&dims=[0,4]&steps=25&heads=[{"kind":"l2"}]&colour=red&runs=[]&vocab=<b>9</b>`,
    );
    expect(link.config).toEqual({ ...defaultBottleneckConfig, steps: 25 });
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toMatch(/runs/);
    expect(warnings.find((w) => w.startsWith('Ignored dims='))).toMatch(
      /dims\[0\] must be an integer from 1 to 4096, got 0.*Using the default \[2,4,8,16,32,64\]/,
    );
    expect(warnings.find((w) => w.startsWith('Ignored heads='))).toMatch(/vocabulary-scoring heads only/);
    expect(warnings.find((w) => w.includes('colour'))).toMatch(/unknown parameter "colour"/);
    expect(warnings.find((w) => w.startsWith('Ignored vocab='))).toContain('<b>9</b>');
  });
});

describe('the sweep on the page', () => {
  it('adds rows as they arrive and ends stopped or finished', () => {
    let view: SweepView = { state: 'running', rows: [] };
    const apply = (event: Parameters<typeof foldSweepEvent>[1]) => (view = { ...view, ...foldSweepEvent(view, event) });
    apply({ type: 'task', summary: { entropy: 4.2, logProbRank: 64 } });
    apply({ type: 'progress', progress: { head: 'softmax', d: 2, done: 25, total: 100 } });
    apply({ type: 'row', row: row('softmax', 2, 0.1, 0.5) });
    expect(view).toMatchObject({ state: 'running', task: { logProbRank: 64 }, rows: [{ head: 'softmax', d: 2 }] });
    expect(apply({ type: 'finished', complete: false })).toMatchObject({
      state: 'stopped',
      message: expect.stringMatching(/after 1 of/),
    });
    expect(apply({ type: 'failed', message: 'The sweep failed: lost' })).toMatchObject({
      state: 'failed',
      message: 'The sweep failed: lost',
    });
  });

  it('draws one line per head against d, in the heads order, with the entropy floor under cross-entropy', () => {
    const rows = [row('MoS K=15', 8, 0.4, 0.2), row('softmax', 8, 0.3, 0.25), row('softmax', 2, 0.05, 0.45)];
    const accuracy = bottleneckFigure(rows, ['softmax', 'PLIF K=1000', 'MoS K=15'], [2, 8], 'modeAccuracy');
    expect(accuracy.data.map((t) => t.name)).toEqual(['softmax', 'MoS K=15']);
    expect(accuracy.data[0]).toMatchObject({ x: [2, 8], y: [5, 30] });
    expect(accuracy.layout.xaxis).toMatchObject({ type: 'log', tickvals: [2, 8] });
    const ce = bottleneckFigure(rows, ['softmax', 'PLIF K=1000', 'MoS K=15'], [2, 8], 'ce', 4);
    expect(ce.data.at(-1)).toMatchObject({ name: 'H(p*) (lowest possible)', x: [2, 8], y: [4, 4] });
    expect(bottleneckFigure([], ['softmax'], [2], 'ce', 4).data).toEqual([]);
  });
});
