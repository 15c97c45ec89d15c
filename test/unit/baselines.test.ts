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
      { source: 'in the beginning god created', reference: 'in the beginning god created', sourceTokens: [] },
      { source: 'completely different words here', reference: 'nothing alike at all today', sourceTokens: [] },
    ];
    expect(baselines(task('translation', { validText }), 1).copyBleu).toBeCloseTo(100, 10);
    expect(baselines(task('translation', { validText }), 100).copyBleu).toBeLessThan(100);
  });

  it('score a unigram model of the training targets (add-one) for a language model', () => {
    // Six types (four special); training counts w0 3, w1 1 of 4 tokens (padding −1 ignored): p = (c + 1) / 10.
    const targetVocabulary = new Vocabulary([
      specialTokens.pad,
      specialTokens.unk,
      specialTokens.bos,
      specialTokens.eos,
      'w0',
      'w1',
    ]);
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

  it('read as one line per distinct validation split', () => {
    expect(baselineText({ copyBleu: 53.9 })).toBe('copying the source: BLEU 53.90');
    expect(baselineText({ unigram: { perplexity: 210.6, accuracy1: 0.096, accuracy5: 0.326 } })).toBe(
      'unigram: perplexity 210.6, acc@1 9.6 %, acc@5 32.6 %',
    );
    const runs = [
      record('softmax', { baselines: { copyBleu: 53.9 } }),
      record('vmf', { baselines: { copyBleu: 53.9 } }),
      record('vmf'),
    ];
    expect(baselineLines(runs)).toEqual(['Baselines on the validation split: copying the source: BLEU 53.90']);
  });
});
