// Links made before PLIF's and syn-margin's defaults changed (v=1) reopen the experiment they were
// made with: the old behaviour is written out, re-shared links carry it, and the reader is told.
import { describe, expect, it } from 'vitest';
import { decodeBottleneck, encodeBottleneck } from '../../src/app/share/bottleneckUrl';
import { decodeExperiment, encodeExperiment } from '../../src/app/share/url';
import { applyOverrides } from '../../src/experiments/overrides';

const heads = (search: string) => {
  const { state, warnings } = decodeExperiment(search);
  return { heads: state.variants.map((v) => applyOverrides(state.base, v).head), warnings, state };
};

describe('version-1 links', () => {
  it('train PLIF slopes by Adam, as the link meant, and say so; a v=2 link uses today’s default', () => {
    const old = heads('?v=1&preset=lm-bottleneck');
    expect(old.heads.find((h) => h.kind === 'plif')).toEqual({ kind: 'plif', slopeOptimizer: 'adam' });
    expect(old.warnings).toHaveLength(1);
    expect(old.warnings[0]).toMatch(
      /^This link was made by an earlier version of Continuum \(v=1\): its PLIF slopes are trained by Adam .*MoS heads gained the reference code’s latent bias since/,
    );
    // Re-shared, the link says what it means and needs no migration.
    const again = encodeExperiment(old.state);
    expect(again).toMatch(/^\?v=2&/);
    expect(heads(again)).toMatchObject({ heads: old.heads, warnings: [] });

    const current = heads('?v=2&preset=lm-bottleneck');
    expect(current.heads.find((h) => h.kind === 'plif')).toEqual({ kind: 'plif' });
    expect(current.warnings).toEqual([]);
  });

  it('keep an explicit choice, differentiate syn-margin through its negative, and migrate dotted run settings whole', () => {
    const runs = JSON.stringify([
      { head: { kind: 'plif', slopeOptimizer: 'sgd' } },
      { head: { kind: 'syn-margin-projection', margin: 0.5 } },
      { 'head.kind': 'cosine' },
    ]);
    const { heads: decoded, warnings } = heads(`?v=1&preset=loss-zoo&runs=${encodeURIComponent(runs)}`);
    expect(decoded).toEqual([
      { kind: 'plif', slopeOptimizer: 'sgd' },
      { kind: 'syn-margin-projection', margin: 0.5, detachNegative: false },
      { kind: 'cosine' },
    ]);
    expect(warnings).toEqual([
      expect.stringMatching(/its syn-margin negative is differentiated through as it was then \(detachNegative false/),
    ]);
  });

  it('open unchanged, without a warning, when nothing they name has changed', () => {
    expect(heads('?v=1&preset=tiny-demo&train.steps=7')).toMatchObject({ warnings: [] });
    expect(heads('?v=1&preset=tiny-demo&train.steps=7').state).toEqual(
      decodeExperiment('?v=2&preset=tiny-demo&train.steps=7').state,
    );
  });

  it('warn that the LSTM backbone has changed', () => {
    expect(heads('?v=1&preset=tiny-demo&model.backbone=lstm').warnings).toEqual([
      expect.stringContaining('the LSTM backbone now attends as OpenNMT-py does'),
    ]);
  });

  it('of the bottleneck experiment keep its default PLIF head on Adam', () => {
    const { link, warnings } = decodeBottleneck('?v=1&preset=bottleneck-synthetic&steps=20');
    expect(link.config.heads.find((h) => h.kind === 'plif')).toMatchObject({ slopeOptimizer: 'adam' });
    expect(warnings[0]).toMatch(/PLIF slopes are trained by Adam/);
    expect(encodeBottleneck(link)).toContain('heads=');
    expect(decodeBottleneck('?v=2&preset=bottleneck-synthetic&steps=20').warnings).toEqual([]);
  });
});
