// Opening an experiment link puts it on screen with the decoder's warnings, whether the link is fresh
// or the URL a saved history entry was stored with (the Workspace's "Open" goes through openLink too).
import { beforeEach, describe, expect, it } from 'vitest';
import { presetSetup, useExperimentStore } from '../../src/app/state/experiment';

describe('openLink', () => {
  beforeEach(() => useExperimentStore.getState().replace(presetSetup('tiny-demo')));

  it("shows the warnings of a saved entry's URL that no longer validates, and keeps the preset's values", () => {
    // A saved entry stores the page's full address; this one names a setting that has since gone
    // and a value the schema now rejects.
    const saved = 'http://localhost:5173/?v=1&preset=tiny-demo&model.retired=3&train.steps=-5&train.initSeed=9';
    useExperimentStore.getState().openLink(saved);
    const { warnings, base } = useExperimentStore.getState();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/model\.retired/);
    expect(warnings[1]).toMatch(/train\.steps/);
    expect(base.train.steps).toBe(presetSetup('tiny-demo').base.train.steps);
    expect(base.train.initSeed).toBe(9);
  });

  it('hands back "start on open" without keeping it, so a reload does not train again', () => {
    const state = useExperimentStore.getState().openLink('?v=1&preset=tiny-demo&run=1');
    expect(state.autostart).toBe(true);
    expect(useExperimentStore.getState().autostart).toBe(false);
    expect(useExperimentStore.getState().warnings).toEqual([]);
  });
});
