// The pre-flight check's arithmetic, without a GPU: which settings are refused on which limits, and
// what the message says. test/gpu/limits.test.ts checks the estimate against a real step's allocations.
import { describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../../src/experiments/config';
import { limitProblems, type TaskSizes } from '../../src/experiments/limits';
import { applyOverrides } from '../../src/experiments/overrides';
import { presets, resolvePreset } from '../../src/experiments/presets';
import type { DeviceLimits } from '../../src/gpu';

/** What SwiftShader and many desktop GPUs offer. */
const gibLimits: DeviceLimits = {
  maxBufferSize: 2 ** 30,
  maxStorageBufferBindingSize: 2 ** 30,
  maxComputeWorkgroupsPerDimension: 65535,
};

/** A task whose data fills every setting: full vocabularies, every sentence data.maxLength words long. */
function fullSizes(config: ExperimentConfig): TaskSizes {
  const translation = config.task === 'translation';
  return {
    targetVocab: config.data.targetVocab,
    sourceVocab: translation ? config.data.sourceVocab : 0,
    tableDimension: config.embeddings.dimension,
    batchRows: config.train.batchSentences,
    // <bos> + the sentence (translation) or a window of data.maxLength tokens (language model).
    decoderLength: config.data.maxLength + (translation ? 1 : 0),
    sourceLength: translation ? config.data.maxLength : 0,
  };
}

const problemsOf = (overrides: Record<string, unknown>, limits = gibLimits) => {
  const config = applyOverrides(resolvePreset('tiny-demo').base, overrides);
  return limitProblems(limits, config, fullSizes(config));
};

describe('the pre-flight limit check', () => {
  it('lets every run of every preset through on a 1 GiB GPU', () => {
    for (const name of Object.keys(presets)) {
      for (const { config } of resolvePreset(name).runs)
        expect(limitProblems(gibLimits, config, fullSizes(config)), name).toEqual([]);
    }
  });

  it('names each tensor beyond the binding limit with its size, the limit and the settings that size it', () => {
    expect(problemsOf({ 'data.targetVocab': 200_000, 'model.dModel': 8192, 'model.ffn': 64 })).toEqual([
      "Tensor 'decoder.embedding.table f32[200000×8192]' needs 6.1 GiB, above this GPU's maxStorageBufferBindingSize of 1.0 GiB. Lower data.targetVocab or model.dModel.",
      "Tensor 'softmax.weight f32[200000×8192]' needs 6.1 GiB, above this GPU's maxStorageBufferBindingSize of 1.0 GiB. Lower data.targetVocab or model.dModel.",
    ]);
    // tiny-demo: 16 sentences of up to 12 words (+ <bos>), 1000 words, 2 heads, FFN 128.
    expect(problemsOf({ 'train.batchSentences': 65_536 })).toEqual([
      "Tensor 'logits f32[851968×1000]' needs 3.2 GiB, above this GPU's maxStorageBufferBindingSize of 1.0 GiB. Lower train.batchSentences, data.maxLength or data.targetVocab.",
      "Attention over 65536 sentences × 2 heads: 131072 workgroups, above this GPU's maxComputeWorkgroupsPerDimension of 65535 (per dimension). Lower train.batchSentences or model.heads.",
    ]);
  });

  it('names the smaller of maxBufferSize and maxStorageBufferBindingSize', () => {
    const limits = { ...gibLimits, maxBufferSize: 7 * 2 ** 20 };
    expect(problemsOf({ 'data.targetVocab': 8000, 'model.dModel': 256 }, limits)).toEqual([
      "Tensor 'decoder.embedding.table f32[8000×256]' needs 7.8 MiB, above this GPU's maxBufferSize of 7.0 MiB. Lower data.targetVocab or model.dModel.",
      "Tensor 'softmax.weight f32[8000×256]' needs 7.8 MiB, above this GPU's maxBufferSize of 7.0 MiB. Lower data.targetVocab or model.dModel.",
    ]);
  });

  it('covers what each head and backbone adds: MoS, ReWE and PLIF scratch, attention scores, LSTM gates, BPE vocabularies', () => {
    const limits = { ...gibLimits, maxStorageBufferBindingSize: 64 * 2 ** 20 };
    expect(problemsOf({ head: { kind: 'mos', components: 64 }, 'data.targetVocab': 8000 }, limits)).toEqual([
      "Tensor 'MoS component logits f32[13312×8000]' needs 406.3 MiB, above this GPU's maxStorageBufferBindingSize of 64.0 MiB. Lower train.batchSentences, data.maxLength, head.components or data.targetVocab.",
    ]);
    // 208 tokens of 4,096 regressor units.
    expect(
      problemsOf(
        { head: { kind: 'rewe', regressorHidden: 4096 } },
        { ...limits, maxStorageBufferBindingSize: 2 * 2 ** 20 },
      ),
    ).toEqual([
      "Tensor 'ReWE regressor activations f32[208×4096]' needs 3.3 MiB, above this GPU's maxStorageBufferBindingSize of 2.0 MiB. Lower train.batchSentences, data.maxLength or head.regressorHidden.",
    ]);
    // 208·1000 logits make 4 histogram partials of 2·K floats each.
    expect(
      problemsOf(
        { head: { kind: 'plif', pieces: 1_000_000 } },
        { ...limits, maxStorageBufferBindingSize: 16 * 2 ** 20 },
      ),
    ).toEqual([
      "Tensor 'plif.partials f32[4×2×1000000]' needs 30.5 MiB, above this GPU's maxStorageBufferBindingSize of 16.0 MiB. Lower head.pieces.",
    ]);
    expect(problemsOf({ 'train.batchSentences': 4096, 'data.maxLength': 128, 'model.heads': 8 }, limits)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Tensor 'decoder self-attention scores f32\[32768×129×129\]' needs 2\.0 GiB.* Lower train\.batchSentences, data\.maxLength or model\.heads\.$/,
        ),
      ]),
    );
    expect(problemsOf({ 'model.backbone': 'lstm', 'model.dModel': 4096, 'model.heads': 1 }, limits)).toEqual([
      "Tensor 'decoder.0.ih.weight f32[16384×8192]' needs 512.0 MiB, above this GPU's maxStorageBufferBindingSize of 64.0 MiB. Lower model.dModel.",
    ]);
    const bpe = problemsOf(
      { 'data.targetTokenization': 'bpe', 'embeddings.source': 'in-app', 'train.batchSentences': 8192 },
      limits,
    );
    expect(bpe.find((line) => line.startsWith("Tensor 'logits"))).toMatch(
      /Lower train\.batchSentences, data\.maxLength or data\.bpeMerges\.$/,
    );
  });
});
