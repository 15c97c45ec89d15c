import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { BpeTokenizer, learnMerges } from '../../src/data/bpe';
import { toTokenizerJson } from '../../src/data/bpeJson';
import { detokenize, tokenizeWords } from '../../src/data/tokenize';
import { countTokens } from '../../src/data/vocabulary';
import { mulberry32 } from '../../src/math/random';

// Sennrich et al.'s example: low ×5, lower ×2, newest ×6, widest ×3. Symbols: l o w</w>,
// l o w e r</w>, n e w e s t</w>, w i d e s t</w>. Pair counts and merges (ties → smaller left
// symbol, then smaller right symbol, in JS string order):
//  1. e+s 9 (ties s+t</w> 9; "e" < "s")   → newest = n e w es t</w>, widest = w i d es t</w>
//  2. es+t</w> 9                           → n e w est</w>, w i d est</w>
//  3. l+o 7                                → lo w</w>, lo w e r</w>
//  4. e+w 6 (ties n+e, w+est</w>)          → n ew est</w>   (lower has w+e, not e+w)
//  5. ew+est</w> 6 (ties n+ew)             → n ewest</w>
//  6. n+ewest</w> 6                        → newest</w>
//  7. lo+w</w> 5                           → low</w>
//  8. d+est</w> 3 (ties w+i, i+d)          → w i dest</w>
//  9. i+dest</w> 3 (ties w+i)              → w idest</w>
// 10. w+idest</w> 3                        → widest</w>
// 11. e+r</w> 2 (ties lo+w, w+e)           → lo w er</w>
// 12. lo+w 2 (ties w+er</w>)               → low er</w>
// 13. low+er</w> 2                         → lower</w>; every word is one symbol, nothing is left.
const sennrichCorpus = 'low '.repeat(5) + 'lower '.repeat(2) + 'newest '.repeat(6) + 'widest '.repeat(3);
const sennrichMerges = [
  ['e', 's'],
  ['es', 't</w>'],
  ['l', 'o'],
  ['e', 'w'],
  ['ew', 'est</w>'],
  ['n', 'ewest</w>'],
  ['lo', 'w</w>'],
  ['d', 'est</w>'],
  ['i', 'dest</w>'],
  ['w', 'idest</w>'],
  ['e', 'r</w>'],
  ['lo', 'w'],
  ['low', 'er</w>'],
];

const english = `The old man walked slowly down the road. He didn't know where he was going, but he knew
that he would find it. "Where are you going?" asked the boy. It's a long way to the sea; the sea is
wide and deep. They walked together for days, and the nights were cold (very cold). We'll see, said the
old man, and he smiled. In 1909, 31,102 verses were printed; the printer's work was slow.`;
const spanish = `¿Quién sabía que el camino era tan largo? Él, señor, caminó despacio hacia el mar. Los niños
jugaban en la plaza; la niña cantaba una canción. ¡Qué día tan hermoso! Año tras año, el pueblo crecía.`;

/** Zipf-distributed words built from random syllables: many types, a few very frequent ones. */
function syntheticCorpus(tokens: number, seed: number): string[] {
  const random = mulberry32(seed);
  const syllables = ['ka', 'to', 're', 'mi', 'sun', 'el', 'or', 'pa', 'lin', 'que', 'ñu', 'st', 'ion', 'a', 'e', 'dré'];
  const types = Array.from({ length: 3000 }, () => {
    const length = 1 + Math.floor(random() * 4);
    return Array.from({ length }, () => syllables[Math.floor(random() * syllables.length)]).join('');
  });
  const harmonic = types.reduce((sum, _, r) => sum + 1 / (r + 1), 0);
  const pick = () => {
    let u = random() * harmonic;
    for (let r = 0; r < types.length; r++) if ((u -= 1 / (r + 1)) <= 0) return types[r]!;
    return types[types.length - 1]!;
  };
  const lines: string[] = [];
  for (let n = 0; n < tokens; n += 12) lines.push(`${Array.from({ length: 12 }, pick).join(' ')}.`);
  return lines;
}

describe('BPE training', () => {
  it('learns the hand-worked merges of the Sennrich example, ties broken by symbol order', () => {
    const tokenizer = BpeTokenizer.train([sennrichCorpus], { merges: 100 });
    expect(tokenizer.merges).toEqual(sennrichMerges);
    expect(BpeTokenizer.train([sennrichCorpus], { merges: 3 }).merges).toEqual(sennrichMerges.slice(0, 3));
    // An unseen word is built from the learned pieces: merges 1–3 and 12 apply in rank order.
    expect(tokenizer.segmentWord('lowest')).toEqual(['low', 'est</w>']);
    expect(tokenizer.segmentWord('newer')).toEqual(['n', 'ew', 'er</w>']);
  });

  it('lays out ids as specials, the alphabet in both forms, then the merged symbols in rank order', () => {
    const tokenizer = BpeTokenizer.train([sennrichCorpus], { merges: 2 });
    expect(tokenizer.vocabulary.tokens.slice(0, 8)).toEqual([
      '<pad>',
      '<unk>',
      '<bos>',
      '<eos>',
      'd',
      'd</w>',
      'e',
      'e</w>',
    ]);
    expect(tokenizer.vocabulary.tokens.slice(-2)).toEqual(['es', 'est</w>']);
    expect(tokenizer.vocabulary.size).toBe(4 + 2 * 10 + 2); // d e i l n o r s t w, bare and word-final
  });

  it('stops when the best pair is rarer than minPairCount', () => {
    // a b a b a</w> ×1 has a+b twice; c d</w> ×3. After both merges: ab ab a</w>, one of each pair.
    const counts = new Map([
      ['ababa', 1],
      ['cd', 3],
    ]);
    expect(learnMerges(counts, { merges: 10 }).merges).toEqual([
      ['c', 'd</w>'],
      ['a', 'b'],
    ]);
    // With single pairs allowed: ab+a</w> before ab+ab, since "a</w>" < "ab" ('<' sorts before letters).
    expect(learnMerges(counts, { merges: 10, minPairCount: 1 }).merges).toEqual([
      ['c', 'd</w>'],
      ['a', 'b'],
      ['ab', 'a</w>'],
      ['ab', 'aba</w>'],
    ]);
  });

  it('does not depend on the order of the corpus', () => {
    const lines = syntheticCorpus(20_000, 7);
    const forward = BpeTokenizer.train(lines, { merges: 300 });
    const backward = BpeTokenizer.train([...lines].reverse(), { merges: 300 });
    expect(backward.merges).toEqual(forward.merges);
    expect(backward.vocabulary.tokens).toEqual(forward.vocabulary.tokens);
    expect(forward.merges).toHaveLength(300);
  });

  it('keeps frequent words whole and splits rare ones into frequent pieces', () => {
    const lines = syntheticCorpus(20_000, 3);
    const tokenizer = BpeTokenizer.train(lines, { merges: 500 });
    const counts = countTokens(lines.map((line) => tokenizeWords(line)));
    const byFrequency = [...counts].sort((a, b) => b[1] - a[1]).map(([word]) => word);
    for (const word of byFrequency.slice(0, 20)) expect(tokenizer.segmentWord(word)).toEqual([`${word}</w>`]);
    const rare = byFrequency.slice(-20).map((word) => tokenizer.segmentWord(word).length);
    expect(Math.min(...rare)).toBeGreaterThan(1);
  });
});

describe('BPE encode and decode', () => {
  const tokenizer = BpeTokenizer.train([english, spanish], { merges: 150, lowercase: false });

  it('round-trips text through ids (detokenized, so spacing follows detokenize)', () => {
    for (const text of [english, spanish, "It's here (really), ¿sí?"]) {
      const ids = tokenizer.encode(text);
      expect(ids).toBeInstanceOf(Int32Array);
      expect(tokenizer.decode(ids)).toBe(detokenize(tokenizeWords(text, { lowercase: false })));
      expect(tokenizer.decodeWords(ids)).toEqual(tokenizeWords(text, { lowercase: false }));
    }
    expect(tokenizer.decode(tokenizer.encode('The old man walked.'))).toBe('The old man walked.');
  });

  it('uses fewer ids than characters and maps unseen characters to <unk>', () => {
    const ids = tokenizer.encode(english);
    expect(ids.length).toBeLessThan(0.7 * english.replace(/\s/g, '').length);
    expect([...tokenizer.encode('Ωmega')].filter((id) => id === 1)).toHaveLength(1);
    expect(tokenizer.decodeWords(tokenizer.encode('Ωmega'))).toEqual(['<unk>mega']);
  });

  it('drops pad, bos and eos when decoding', () => {
    const ids = [2, ...tokenizer.encode('the sea'), 3, 0, 0];
    expect(tokenizer.decode(ids)).toBe('the sea');
  });
});

describe('tokenizer.json in @huggingface/tokenizers', () => {
  const sentences = [
    ...english.split('\n'),
    ...spanish.split('\n'),
    "The printer's newest work didn't arrive—we’ll wait.  Ωmega 3.14 ǅemal",
    'Tabs\tand\u00a0odd\ufeffspaces\u0085between words, ‘quoted’ text',
  ];

  it.each([true, false])('encodes to the same ids and decodes to the words (lowercase %s)', (lowercase) => {
    const tokenizer = BpeTokenizer.train([english, spanish], { merges: 200, lowercase });
    const hf = new Tokenizer(JSON.parse(JSON.stringify(toTokenizerJson(tokenizer))), {});
    for (const sentence of sentences) {
      const ours = [...tokenizer.encode(sentence)];
      const theirs = hf.encode(sentence, { add_special_tokens: false }).ids;
      expect(theirs).toEqual(ours);
      const words = tokenizeWords(sentence, { lowercase });
      if (!ours.includes(1)) {
        expect(hf.decode(theirs, { clean_up_tokenization_spaces: false })).toBe(words.join(' '));
      }
    }
  });

  it('agrees on a larger synthetic corpus with 2,000 merges', () => {
    const lines = syntheticCorpus(60_000, 11);
    const tokenizer = BpeTokenizer.train(lines.slice(0, 4000), { merges: 2000 });
    const hf = new Tokenizer(toTokenizerJson(tokenizer), {});
    for (const line of lines.slice(4000, 4500)) {
      expect(hf.encode(line, { add_special_tokens: false }).ids).toEqual([...tokenizer.encode(line)]);
    }
  });
});
