import { describe, expect, it } from 'vitest';
import { detokenize, tokenizeWords } from '../../src/data/tokenize';
import { Vocabulary, specialIds } from '../../src/data/vocabulary';

describe('tokenizeWords', () => {
  it('splits words, numbers, punctuation and English contractions', () => {
    expect(tokenizeWords("Don't stop: it's 3,000.5 miles (roughly)!")).toEqual([
      'do',
      "n't",
      'stop',
      ':',
      'it',
      "'s",
      '3,000.5',
      'miles',
      '(',
      'roughly',
      ')',
      '!',
    ]);
    expect(tokenizeWords('We’ll see', { lowercase: false })).toEqual(['We', "'ll", 'see']);
  });
  it('keeps accented and non-Latin words whole and splits Spanish punctuation', () => {
    expect(tokenizeWords('¿Quién sabía? Él, señor.')).toEqual(['¿', 'quién', 'sabía', '?', 'él', ',', 'señor', '.']);
    expect(tokenizeWords('naïve café')).toEqual(['naïve', 'café']);
  });
  it('round-trips through detokenize for ordinary text', () => {
    const text = "Don't stop: it's here (really), ¿sí?";
    expect(detokenize(tokenizeWords(text, { lowercase: false }))).toBe(text);
  });
});

describe('Vocabulary', () => {
  const sentences = [
    ['b', 'a', 'c'],
    ['a', 'b'],
    ['a', 'd'],
  ];
  it('puts the specials first, then tokens by count, ties in code-point order', () => {
    const vocab = Vocabulary.fromSentences(sentences, { maxSize: 10 });
    expect(vocab.tokens).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'a', 'b', 'c', 'd']);
    expect(Vocabulary.fromSentences([...sentences].reverse(), { maxSize: 10 }).tokens).toEqual(vocab.tokens);
  });
  it('caps the size, applies minCount, and maps the rest to <unk>', () => {
    const vocab = Vocabulary.fromSentences(sentences, { maxSize: 6, minCount: 2 });
    expect(vocab.tokens).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'a', 'b']);
    expect(Array.from(vocab.encode(['a', 'c', 'zzz']))).toEqual([4, specialIds.unk, specialIds.unk]);
    expect(vocab.decode([5, 4, 99])).toEqual(['b', 'a', '<unk>']);
  });
  it('rejects a token list without the specials or with duplicates', () => {
    expect(() => new Vocabulary(['a'])).toThrow(/start with/);
    expect(() => new Vocabulary(['<pad>', '<unk>', '<bos>', '<eos>', 'a', 'a'])).toThrow(/twice/);
  });
});
