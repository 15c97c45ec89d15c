// The trivial baselines beside every result (src/train/baselines.ts, src/train/summary.ts).
import { describe, expect, it } from 'vitest';
import { specialTokens, Vocabulary } from '../../src/data/vocabulary';
import type { Task } from '../../src/experiments/task';
import { baselines } from '../../src/train/baselines';
import { baselineLines, baselineText } from '../../src/train/summary';
import { record } from './plots-fixtures';

const example = (target: number[]) => ({
  source: null,
  input: Int32Array.from(target),
  target: Int32Array.from(target),
});

/** The four special tokens (ids 0–3), then `words`. */
const withSpecials = (...words: string[]) =>
  new Vocabulary([specialTokens.pad, specialTokens.unk, specialTokens.bos, specialTokens.eos, ...words]);

function task(kind: Task['kind'], parts: Partial<Task>): Task {
  return {
    kind,
    sourceVocabulary: null,
    decodeTarget: () => [],
    train: [],
    valid: [],
    validText: [],
    targetTable: new Float32Array(),
    tableDimension: 0,
    pretrainedShare: 0,
    ...parts,
  } as unknown as Task;
}

describe('baselines', () => {
  it('copy the source for translation, over the sentences BLEU decodes', () => {
    const validText = [
      {
        source: 'in the beginning god created',
        reference: 'in the beginning god created',
        sourceTokens: [],
        unknownWords: [],
      },
      {
        source: 'completely different words here',
        reference: 'nothing alike at all today',
        sourceTokens: [],
        unknownWords: [],
      },
    ];
    expect(baselines(task('translation', { validText }), 1).copyBleu).toBeCloseTo(100, 10);
    expect(baselines(task('translation', { validText }), 100).copyBleu).toBeLessThan(100);
  });

  it('score a unigram model of the training targets (add-one) for a language model', () => {
    // Six types (four special); training counts w0 3, w1 1 of 4 tokens (padding −1 ignored): p = (c + 1) / 10.
    const targetVocabulary = withSpecials('w0', 'w1');
    const eos = 3;
    const result = baselines(
      task('language-model', { targetVocabulary, train: [example([4, 4, -1, 5, 4])], valid: [example([4, eos, -1])] }),
      0,
    );
    expect(result.unigram!.perplexity).toBeCloseTo(Math.exp(-(Math.log(4 / 10) + Math.log(1 / 10)) / 2), 12);
    // Top-1 is w0; the top 5 are w0, w1 and three never-seen types before <eos> (ties go to the lower id).
    expect(result.unigram!.accuracy1).toBe(0.5);
    expect(result.unigram!.accuracy5).toBe(0.5);
  });

  it('give the unigram model’s exact Brier-1 … 4 where four tokens follow a position', () => {
    const targetVocabulary = withSpecials('w0');
    // Training counts: w0 3 of 3 tokens, so u = (1, 1, 1, 1, 4)/8 and Σu² = 20/64.
    const valid = [example([4, 4, 3, 4, 4]), example([4, 4])];
    const result = baselines(task('language-model', { targetVocabulary, train: [example([4, 4, 4])], valid }), 0);
    // Two positions (t = 0, 1 of the first window) with continuations w0 w0 eos w0 and w0 eos w0 w0.
    const [u, squares] = [[1 / 8, 1 / 8, 1 / 8, 1 / 8, 4 / 8], 20 / 64];
    const expected = [
      (2 * u[4]! + 2 * u[4]!) / 2 - squares,
      (2 * u[4]! * u[4]! + 2 * u[4]! * u[3]!) / 2 - squares ** 2,
      (2 * u[4]! * u[4]! * u[3]! + 2 * u[4]! * u[3]! * u[4]!) / 2 - squares ** 3,
      2 * u[4]! ** 3 * u[3]! - squares ** 4,
    ];
    result.unigram!.brier!.forEach((b, n) => expect(b, `Brier-${n + 1}`).toBeCloseTo(expected[n]!, 14));
  });

  it('read as one line per distinct validation split', () => {
    expect(baselineText({ copyBleu: 53.9 })).toBe('copying the source: BLEU 53.90');
    expect(baselineText({ unigram: { perplexity: 210.6, accuracy1: 0.096, accuracy5: 0.326 } })).toBe(
      'unigram: perplexity 210.6, acc@1 9.6 %, acc@5 32.6 %',
    );
    expect(
      baselineText({
        unigram: { perplexity: 210.6, accuracy1: 0.096, accuracy5: 0.326, brier: [0.09, 0.01, 0.001, 1e-4] },
      }),
    ).toBe(
      'unigram: perplexity 210.6, acc@1 9.6 %, acc@5 32.6 %, Brier-1…4 0.090 / 0.010 / 0.001 / 0.000, BrierLM 0.31',
    );
    const runs = [
      record('softmax', { baselines: { copyBleu: 53.9 } }),
      record('vmf', { baselines: { copyBleu: 53.9 } }),
      record('vmf'),
    ];
    expect(baselineLines(runs)).toEqual(['Baselines on the validation split: copying the source: BLEU 53.90']);
  });
});
