// Luong et al.'s copyable unknowns (data.numberedUnknowns): numbering, the reserved vocabulary places
// that keep the word sets unchanged, the task's encoded pairs, and decoding the numbers back to words.
import { describe, expect, it } from 'vitest';
import type { ReadAsset } from '../../src/data/assets';
import { numberUnknowns, numberedUnknownTokens, unknownNumber } from '../../src/data/numberedUnknowns';
import { Vocabulary } from '../../src/data/vocabulary';
import { defaultConfig, type ExperimentConfig } from '../../src/experiments/config';
import { mergeConfig } from '../../src/experiments/overrides';
import { prepareTask } from '../../src/experiments/task';
import { catalogWith, type UploadedData } from '../../src/experiments/uploads';
import { isUnresolvedUnknown, numberedReplacements, unknownReplacements } from '../../src/train/unknownReplacement';

const known = (words: string) => {
  const set = new Set(words.split(' '));
  return (word: string) => set.has(word);
};

describe('numberUnknowns', () => {
  it('numbers distinct unknown source words by first appearance and gives a target the same number for the same word', () => {
    const pair = {
      source: 'and zerah begat perez and zerah'.split(' '),
      target: 'zerah became the father of perez'.split(' '),
    };
    const numbered = numberUnknowns(pair, 4, known('and'), known('the father of'));
    expect(numbered.source).toEqual(['and', '<unk1>', '<unk2>', '<unk3>', 'and', '<unk1>']);
    expect(numbered.unknownWords).toEqual(['zerah', 'begat', 'perez']);
    // "became" is unknown on the target side but not in the source: it stays, to become <unk>.
    expect(numbered.target).toEqual(['<unk1>', 'became', 'the', 'father', 'of', '<unk3>']);
  });

  it('numbers at most `count` words and leaves a target word the target vocabulary knows', () => {
    const pair = { source: 'a b c d'.split(' '), target: 'd c b a'.split(' ') };
    const numbered = numberUnknowns(pair, 2, known(''), known('a'));
    expect(numbered.source).toEqual(['<unk1>', '<unk2>', 'c', 'd']);
    expect(numbered.target).toEqual(['d', 'c', '<unk2>', 'a']);
    expect(numberUnknowns(pair, 0, known(''), known('')).source).toEqual(pair.source);
  });

  it('names its tokens <unk1> … and reads N back from them only', () => {
    expect(numberedUnknownTokens(3)).toEqual(['<unk1>', '<unk2>', '<unk3>']);
    expect(numberedUnknownTokens(12).map(unknownNumber)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    for (const token of ['<unk>', '<unk0>', 'unk1', '<unk1', '<unk01>', 'the'])
      expect(unknownNumber(token)).toBeUndefined();
  });
});

describe('a vocabulary with reserved tokens', () => {
  it('puts them after the specials, within maxSize, whatever their counts', () => {
    const sentences = [['x', 'x', 'y', 'z', '<r1>']];
    const vocabulary = Vocabulary.fromSentences(sentences, { maxSize: 7, reserved: ['<r1>', '<r2>'] });
    expect(vocabulary.tokens).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', '<r1>', '<r2>', 'x']);
  });
});

const noFiles: ReadAsset = (path) => Promise.reject(new Error(`read ${path}: a random table must not read files`));
// King James → World English in miniature: frequent words, and names that appear on both sides.
const names = ['abram', 'sarai', 'lot', 'haran', 'nahor', 'milcah', 'iscah', 'terah'];
const lines = Array.from({ length: 120 }, (_, i) => {
  const [a, b] = [names[i % names.length]!, names[(i * 3 + 1) % names.length]!];
  return { src: `and ${a} begat ${b} unto the lord`, tgt: `${a} became the father of ${b} for the lord` };
});
const uploads: UploadedData = {
  datasets: { 'upload:kin.tsv': { kind: 'parallel', src: lines.map((l) => l.src), tgt: lines.map((l) => l.tgt) } },
};

function config(data: Partial<ExperimentConfig['data']>): ExperimentConfig {
  return mergeConfig(
    defaultConfig,
    {
      dataset: 'upload:kin.tsv',
      data: { sourceVocab: 18, targetVocab: 18, maxLength: 12, validSentences: 10, sharedVocabulary: true, ...data },
      embeddings: { source: 'random-sphere', dimension: 16 },
    },
    catalogWith(uploads),
  );
}

describe('a task with numbered unknowns', () => {
  it('keeps the words of the plain task and turns copyable names into numbered tokens on both sides', async () => {
    const plain = await prepareTask(noFiles, config({}), { uploads });
    const task = await prepareTask(noFiles, config({ numberedUnknowns: 4 }), { uploads });
    const reserved = numberedUnknownTokens(4);
    expect(task.targetVocabulary.tokens.slice(4, 8)).toEqual(reserved);
    // The 14 words of the plain vocabulary, less the 4 places the numbers take.
    const words = (v: Vocabulary) => v.tokens.slice(4).filter((t) => !reserved.includes(t));
    expect(words(task.targetVocabulary)).toEqual(words(plain.targetVocabulary).slice(0, 10));
    expect(task.sourceVocabulary).toBe(task.targetVocabulary);
    const unk1 = task.targetVocabulary.id('<unk1>');
    expect(Array.from(task.train[0]!.target)).toContain(unk1);
    expect(Array.from(task.train[0]!.source!)).toContain(unk1);
    expect(task.validText[0]!.unknownWords.length).toBeGreaterThan(0);
  });

  it('decodes a numbered token to its source word, with or without <unk> replacement', async () => {
    const task = await prepareTask(noFiles, config({ numberedUnknowns: 4 }), { uploads });
    const text = task.validText[0]!;
    const ids = task.valid[0]!.target;
    const units = task.targetVocabulary.decode(ids);
    const kept = task.decodeTarget(ids, numberedReplacements(units, text.unknownWords));
    const attention = units.map(() => new Array(text.sourceTokens.length).fill(1 / text.sourceTokens.length));
    const replaced = task.decodeTarget(
      ids,
      unknownReplacements(text.sourceTokens, units, attention, text.unknownWords),
    );
    // The names outside the vocabulary come back exactly, from the numbers alone.
    expect(units.some((unit) => unit.startsWith('<unk') && isUnresolvedUnknown(unit))).toBe(true);
    expect(kept.slice(0, -1)).toEqual(text.reference.split(' '));
    expect(replaced).toEqual(kept);
    // Without its words (a numbered task's hypothesis for another sentence), a number stays unknown.
    expect(numberedReplacements(units, []).size).toBe(0);
  });
});
