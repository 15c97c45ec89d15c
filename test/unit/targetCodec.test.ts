import { describe, expect, it } from 'vitest';
import { readNodeAsset } from '../../src/data/assetsNode';
import { parseConfig } from '../../src/experiments/config';
import { applyOverrides } from '../../src/experiments/overrides';
import { presetSetup } from '../../src/app/state/experiment';
import { bpeCodec, wordCodec } from '../../src/experiments/targetCodec';
import { prepareTask, sequenceLimit } from '../../src/experiments/task';
import { Vocabulary } from '../../src/data/vocabulary';

const sentences = [
  ['the', 'lowest', 'newer', 'wider'],
  ['the', 'newest', 'lower', 'widest'],
  ['low', 'new', 'wide', 'the'],
];

describe('target codecs', () => {
  it('BPE encodes words into subwords and decodes them back', () => {
    const codec = bpeCodec(sentences, 20);
    const ids = codec.encode(['lowest', 'wider', 'the']);
    expect(ids.length).toBeGreaterThan(3);
    expect(codec.decode(ids)).toEqual(['lowest', 'wider', 'the']);
    expect(codec.vocabulary.tokens.slice(0, 4)).toEqual(['<pad>', '<unk>', '<bos>', '<eos>']);
  });

  it('words map one to one', () => {
    const codec = wordCodec(Vocabulary.fromSentences(sentences, { maxSize: 100 }));
    expect(codec.decode(codec.encode(['the', 'low']))).toEqual(['the', 'low']);
  });

  it('put a replaced <unk> in as a whole word at its position', () => {
    const words = wordCodec(Vocabulary.fromSentences(sentences, { maxSize: 100 }));
    const ids = words.encode(['the', 'García', 'low']);
    expect(words.decode(ids)).toEqual(['the', '<unk>', 'low']);
    expect(words.decode(ids, new Map([[1, 'García']]))).toEqual(['the', 'García', 'low']);
    // BPE: the <unk> unit (id 1) after "lowest"'s subwords and before "the"'s becomes a word of its own.
    const bpe = bpeCodec(sentences, 20);
    const [lowest, the] = [bpe.encode(['lowest']), bpe.encode(['the'])];
    const withUnknown = Int32Array.from([...lowest, 1, ...the]);
    expect(bpe.decode(withUnknown, new Map([[lowest.length, 'García']]))).toEqual(['lowest', 'García', 'the']);
  });
});

describe('BPE targets in a task', () => {
  const base = applyOverrides(presetSetup('tiny-demo').base, {
    dataset: 'synthetic-copy',
    'data.maxLength': 4,
    'data.trainSentences': 50,
    'data.validSentences': 8,
  });

  it('only with a softmax head and without a tied input, said by name', () => {
    const vmf = parseConfig({
      ...base,
      data: { ...base.data, targetTokenization: 'bpe' },
      head: { kind: 'vmf', regularizer: { kind: 'none' } },
    });
    expect('errors' in vmf && vmf.errors[0]).toContain(
      'data.targetTokenization "bpe" needs a head without a target table',
    );
    const rewe = parseConfig({ ...base, data: { ...base.data, targetTokenization: 'bpe' }, head: { kind: 'rewe' } });
    expect('errors' in rewe && rewe.errors[0]).toContain('"bpe" needs a head without a target table');
    const tied = parseConfig({
      ...base,
      data: { ...base.data, targetTokenization: 'bpe' },
      head: { kind: 'softmax' },
      model: { ...base.model, tiedInput: true },
    });
    expect('errors' in tied && tied.errors[0]).toContain(
      'model.tiedInput must be false with data.targetTokenization "bpe"',
    );
  });

  it('encodes targets as subwords, decodes them to words, and leaves room for them in the positions', async () => {
    const config = applyOverrides(base, {
      head: { kind: 'softmax' },
      'data.targetTokenization': 'bpe',
      'data.bpeMerges': 5,
    });
    const task = await prepareTask(readNodeAsset, config);
    expect(task.tableDimension).toBe(0);
    const example = task.valid[0]!;
    const words = task.decodeTarget(example.target.subarray(0, -1));
    expect(words.join(' ')).toBe(task.validText[0]!.reference);
    expect(sequenceLimit(config)).toBe(
      3 * sequenceLimit(applyOverrides(config, { 'data.targetTokenization': 'word' })) - 4,
    );
  });
});
