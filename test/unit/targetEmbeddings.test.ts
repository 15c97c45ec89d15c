// Issue 4's acceptance: a shipped task's target table covers 100 % of its vocabulary with unit
// vectors, GloVe where it has the word and mapped in-app vectors elsewhere.
import { describe, expect, it } from 'vitest';
import { readNodeAsset } from '../../src/data/assetsNode';
import { specialIds } from '../../src/data/vocabulary';
import { rowSources } from '../../src/embeddings/fillMissing';
import { buildTargetEmbeddings, loadPretrainedGlove, loadTargetSentences } from '../../src/embeddings/targetEmbeddings';

describe('target embeddings of a shipped task (Moby Dick, CPU path)', async () => {
  const sentences = await loadTargetSentences(readNodeAsset, 'moby-dick');
  const { vocabulary, table } = await buildTargetEmbeddings(sentences, {
    vocabSize: 4000,
    dimension: 40,
    pretrained: await loadPretrainedGlove(readNodeAsset),
  });
  const count = (source: number) => table.source.reduce((n, s) => n + (s === source ? 1 : 0), 0);

  it('gives every vocabulary word a unit vector in GloVe space', () => {
    expect(table.dimension).toBe(100);
    for (let w = 0; w < vocabulary.size; w++) {
      let sq = 0;
      for (let j = 0; j < 100; j++) sq += table.vectors[w * 100 + j]! ** 2;
      expect(Math.abs(Math.sqrt(sq) - 1), vocabulary.tokens[w]).toBeLessThan(1e-5);
    }
  });

  it('uses GloVe for most words and maps the rest (e.g. "a", "i", numbers) from the in-app vectors', () => {
    expect(count(rowSources.pretrained) / vocabulary.size).toBeGreaterThan(0.8);
    expect(count(rowSources.mapped)).toBeGreaterThan(0);
    for (const word of ['a', 'i'])
      if (vocabulary.has(word)) expect(table.source[vocabulary.id(word)]).toBe(rowSources.mapped);
    // Only tokens that never occur in the text (the specials) fall back to a random direction.
    const randomRows = [...table.source.keys()].filter((w) => table.source[w] === rowSources.random);
    expect(randomRows.every((w) => w <= specialIds.eos || w === specialIds.unk)).toBe(true);
  });

  it('rejects an unknown dataset with the list of shipped ones', async () => {
    await expect(loadTargetSentences(readNodeAsset, 'wikitext')).rejects.toThrow(/sotu/);
  });
});
