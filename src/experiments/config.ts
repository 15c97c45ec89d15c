// The experiment configuration: one declarative schema drives validation, the TypeScript types and
// (through overrides.ts) parsing of dotted settings and automatic run labels, as in the TensorFlow
// Playground's property list. Every range lives beside its setting once (a head's in the head's
// file), so a message can always say which field is wrong and what it accepts.
import { z } from '../zod';
import { headSchema, readsTargetTable } from '../heads';
import { int, real, show } from '../ranges';
import { configIssues, issueLine, quoteAll, type ConfigIssue } from './configIssues';
import { syntheticDatasets } from './synthetic';

/** Dataset names by kind; passed in so validation never reads the manifest (uploads add names). */
export interface DatasetCatalog {
  parallel: readonly string[];
  corpora: readonly string[];
  /** The dimension of the user's uploaded word vectors; absent when none are uploaded. */
  vectorDimension?: number;
}

/** The datasets in public/data/manifest.json (a unit test keeps the two in step) and the built-in synthetic tasks. */
export const shippedDatasets: DatasetCatalog = {
  parallel: ['bible-es-en', 'bible-kjv-en', ...Object.keys(syntheticDatasets)],
  corpora: ['sotu', 'brown', 'moby-dick'],
};

/** The shipped GloVe vectors are 100-dimensional; in-app (PPMI-SVD) tables may be any size in this range. */
export const gloveDimension = 100;
export const inAppDimensions = { min: 16, max: 300 } as const;
/** Uploaded vectors may be larger (fastText's are 300-d, some models' 768 or 1024). */
export const uploadedDimensions = { min: 16, max: 1024 } as const;

const seed = int(0, 2 ** 32 - 1);

/** Sources whose rows are drawn at random (src/embeddings/randomTargets.ts), with no pretrained table. */
export const randomSources = ['random-sphere', 'random-hypercube'] as const;
export const isRandomSource = (source: string): source is (typeof randomSources)[number] =>
  (randomSources as readonly string[]).includes(source);

const shape = z.strictObject({
  version: z.literal(1),
  task: z.enum(['translation', 'language-model']),
  dataset: z.string().min(1, { error: 'must name a dataset' }),
  data: z.strictObject({
    sourceVocab: int(16, 200_000),
    targetVocab: int(16, 200_000),
    maxLength: int(2, 1024),
    /** 0 = every training sentence. For a language model a sentence is a window of maxLength tokens. */
    trainSentences: int(0, 10_000_000),
    validSentences: int(1, 100_000),
    /** Target-side units: whole words, or BPE subwords for the word→BPE softmax baseline. */
    targetTokenization: z.enum(['word', 'bpe']).default('word'),
    /** BPE merges learnt on the training targets (the subword vocabulary is 4 + alphabet + merges). */
    bpeMerges: int(0, 200_000).default(4000),
    /**
     * One vocabulary of data.targetVocab words counted over both sides of the training pairs, and one
     * input embedding table that the encoder and the decoder share: for a pair of related languages
     * (KJV→WEB is English to English) a source word and the same target word are then one token,
     * so copying it is something the model starts out able to do.
     */
    sharedVocabulary: z.boolean().default(false),
    /**
     * Up to this many unknown words per source sentence become <unk1>, <unk2>, …, and the same word
     * outside the target vocabulary becomes the same token, which decoding turns back into the word
     * (Luong et al. 2015's copyable unknowns; data/numberedUnknowns.ts). 0 = plain <unk> only. The
     * numbered tokens count within each vocabulary's size.
     */
    numberedUnknowns: int(0, 64).default(0),
  }),
  /** The target embedding table for continuous heads. */
  embeddings: z.strictObject({
    /** Pretrained (shipped GloVe, in-app PPMI-SVD, the user's), or fixed random rows seeded by train.initSeed. */
    source: z.enum(['glove', 'in-app', 'uploaded', ...randomSources]),
    /** The widest range any source allows; each source's own limit is checked below. */
    dimension: int(uploadedDimensions.min, uploadedDimensions.max),
    /**
     * α of the mix of a pretrained table with random-sphere rows: each row is
     * normalize(α·pretrained + (1 − α)·random); 1 = the pretrained table as it is.
     */
    pretrainedWeight: real(0, 1).default(1),
  }),
  model: z.strictObject({
    backbone: z.enum(['transformer', 'lstm']),
    encoderLayers: int(0, 48),
    decoderLayers: int(1, 48),
    dModel: int(4, 8192),
    heads: int(1, 128),
    ffn: int(4, 32_768),
    positions: z.enum(['learned', 'sinusoidal']),
    dropout: real(0, 0.9),
    tiedInput: z.boolean(),
  }),
  /** One of the heads of src/heads (`headDefinitions`), by its `kind`. */
  head: headSchema,
  train: z.strictObject({
    steps: int(1, 10_000_000),
    batchSentences: int(1, 65_536),
    learningRate: real(0, 1, true),
    warmupSteps: int(0, 10_000_000),
    decay: z.enum(['none', 'linear', 'inverse-sqrt', 'cosine']),
    /** Global gradient-norm clip; 0 = off. */
    clip: real(0, 1e6),
    weightDecay: real(0, 1),
    /** 0 = no evaluation during training. */
    evalEvery: int(0, 10_000_000),
    /**
     * Early stopping: finish a run once its validation loss has not improved (by 0.1 %) on its best
     * for this many evaluations in a row (src/train/earlyStopping.ts); 0 = train every step.
     */
    patience: int(0, 1_000_000).default(0),
    /**
     * Early stopping never ends a run before this step: a head whose accuracy sits on a plateau for its
     * first few hundred steps (NLLvMF) is not cut off there while a steadier one goes on.
     */
    minSteps: int(0, 10_000_000).default(0),
    /** What early stopping watches: validation loss, or token accuracy @1 (the same scale for every head). */
    stopOn: z.enum(['loss', 'accuracy']).default('loss'),
    logEvery: int(1, 10_000_000),
    dataSeed: seed,
    initSeed: seed,
    /** 0 = off. */
    checkpointEvery: int(0, 10_000_000),
  }),
});

/** Checks between fields that need no outside knowledge (the dataset names are checked in parseConfig). */
export const configSchema = shape.superRefine((c, ctx) => {
  // `related`: the other settings a message names, as data for whoever must say which setting is at fault.
  const fail = (path: string, message: string, ...related: string[]) =>
    ctx.addIssue({ code: 'custom', path: path.split('.'), message, params: { related } });
  // LSTM layers have no attention heads, so only a transformer constrains the pair.
  if (c.model.backbone === 'transformer' && c.model.dModel % c.model.heads !== 0) {
    fail('model.heads', `must divide model.dModel (${c.model.dModel}), got ${c.model.heads}`, 'model.dModel');
  }
  // A head that reads the target table needs one embedding per target type; so does a tied input.
  if (c.data.targetTokenization === 'bpe' && readsTargetTable(c.head)) {
    fail(
      'data.targetTokenization',
      `"bpe" needs a head without a target table (continuous heads and ReWE regress word embeddings), got head "${c.head.kind}"`,
      'head.kind',
    );
  }
  // A tied output layer is the decoder's trainable input table, which model.tiedInput replaces by the frozen one.
  if ('tied' in c.head && c.head.tied && c.model.tiedInput) {
    fail(
      'head.tied',
      `must be false with model.tiedInput (the decoder then reads the frozen target table, not a trainable one to tie to), got head "${c.head.kind}" tied`,
      'model.tiedInput',
    );
  }
  if (c.data.targetTokenization === 'bpe' && c.model.tiedInput) {
    fail(
      'model.tiedInput',
      'must be false with data.targetTokenization "bpe" (the frozen table holds word embeddings)',
      'data.targetTokenization',
    );
  }
  // Settings about the words of a source sentence: word-level translation only.
  const needsWordTranslation = (path: string, withoutSource: string, withoutWords: string) => {
    if (c.task !== 'translation') fail(path, `needs task "translation" (${withoutSource}), got "${c.task}"`, 'task');
    if (c.data.targetTokenization !== 'word')
      fail(path, `needs data.targetTokenization "word" (${withoutWords})`, 'data.targetTokenization');
  };
  if (c.data.numberedUnknowns > 0) {
    needsWordTranslation(
      'data.numberedUnknowns',
      'the numbers point into a source sentence',
      'subword targets have no unknown words',
    );
    const smaller = Math.min(c.data.sourceVocab, c.data.targetVocab);
    if (c.data.numberedUnknowns > smaller - 8)
      fail(
        'data.numberedUnknowns',
        `must leave room for words in the vocabularies (at most ${smaller - 8} of ${smaller}), got ${c.data.numberedUnknowns}`,
        'data.sourceVocab',
        'data.targetVocab',
      );
  }
  if (c.data.sharedVocabulary) {
    needsWordTranslation('data.sharedVocabulary', 'a language model has no source side', 'the source side is words');
    if (c.data.sourceVocab !== c.data.targetVocab) {
      fail(
        'data.sourceVocab',
        `must equal data.targetVocab (${c.data.targetVocab}) with data.sharedVocabulary, got ${c.data.sourceVocab}`,
        'data.targetVocab',
        'data.sharedVocabulary',
      );
    }
  }
  if (c.embeddings.source === 'glove' && c.embeddings.dimension !== gloveDimension) {
    fail(
      'embeddings.dimension',
      `must be ${gloveDimension} with embeddings.source "glove" (the shipped vectors are ${gloveDimension}-d), got ${c.embeddings.dimension}`,
      'embeddings.source',
    );
  }
  if (c.embeddings.source === 'in-app' && c.embeddings.dimension > inAppDimensions.max) {
    fail(
      'embeddings.dimension',
      `must be an integer from ${inAppDimensions.min} to ${inAppDimensions.max} with embeddings.source "in-app", got ${c.embeddings.dimension}`,
      'embeddings.source',
    );
  }
  if (isRandomSource(c.embeddings.source) && c.embeddings.pretrainedWeight !== 1) {
    fail(
      'embeddings.pretrainedWeight',
      `must be 1 with embeddings.source "${c.embeddings.source}" (a random table has no pretrained rows to mix in), got ${c.embeddings.pretrainedWeight}`,
      'embeddings.source',
    );
  }
  // A setting that silently does nothing would mislead a comparison, so the LM rejects an encoder.
  if (c.task === 'translation' && c.model.encoderLayers === 0) {
    fail(
      'model.encoderLayers',
      'must be at least 1 for task "translation" (the source needs an encoder), got 0',
      'task',
    );
  }
  if (c.train.patience > 0 && c.train.evalEvery === 0) {
    fail(
      'train.patience',
      `needs evaluations to compare: set train.evalEvery above 0, or train.patience to 0 (got ${c.train.patience})`,
      'train.evalEvery',
    );
  }
  if (c.task === 'language-model' && c.model.encoderLayers !== 0) {
    fail(
      'model.encoderLayers',
      `must be 0 for task "language-model" (a decoder-only model), got ${c.model.encoderLayers}`,
      'task',
    );
  }
});

export type ExperimentConfig = z.output<typeof configSchema>;

/** Partial configs for presets and merges; arrays and primitives are replaced whole. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export const defaultConfig: ExperimentConfig = {
  version: 1,
  task: 'translation',
  dataset: 'bible-es-en',
  data: {
    sourceVocab: 8000,
    targetVocab: 8000,
    maxLength: 40,
    trainSentences: 0,
    validSentences: 200,
    targetTokenization: 'word',
    bpeMerges: 4000,
    sharedVocabulary: false,
    numberedUnknowns: 0,
  },
  embeddings: { source: 'glove', dimension: gloveDimension, pretrainedWeight: 1 },
  model: {
    backbone: 'transformer',
    encoderLayers: 2,
    decoderLayers: 2,
    dModel: 256,
    heads: 4,
    ffn: 1024,
    positions: 'sinusoidal',
    dropout: 0.1,
    tiedInput: false,
  },
  head: { kind: 'softmax' },
  train: {
    steps: 2000,
    batchSentences: 32,
    learningRate: 5e-4,
    warmupSteps: 200,
    decay: 'inverse-sqrt',
    clip: 5,
    weightDecay: 0,
    evalEvery: 200,
    patience: 0,
    minSteps: 0,
    stopOn: 'loss',
    logEvery: 10,
    dataSeed: 1,
    initSeed: 1,
    checkpointEvery: 0,
  },
};

/** A failed parse: the issues as data, and as the lines that messages show. */
const invalid = (issues: ConfigIssue[]) => ({ errors: issues.map(issueLine), issues });

/** Validates a whole config against the schema and the catalogue (datasets, uploaded vectors); never throws. */
export function parseConfig(
  input: unknown,
  datasets: DatasetCatalog = shippedDatasets,
): { config: ExperimentConfig } | { errors: string[]; issues: ConfigIssue[] } {
  const result = configSchema.safeParse(input, { reportInput: true });
  if (!result.success) return invalid(configIssues(result.error));
  const config = result.data;
  const [kind, names] = config.task === 'translation' ? ['parallel', datasets.parallel] : ['corpus', datasets.corpora];
  const issues: ConfigIssue[] = [];
  if (!names.includes(config.dataset)) {
    issues.push({
      path: 'dataset',
      message: `must be a ${kind} dataset for task "${config.task}" (${quoteAll(names)}), got ${show(config.dataset)}`,
      related: ['task'],
    });
  }
  const { source, dimension } = config.embeddings;
  if (source === 'uploaded' && datasets.vectorDimension === undefined) {
    issues.push({
      path: 'embeddings.source',
      message: 'must be "glove", "in-app" or a random source until word vectors are uploaded, got "uploaded"',
    });
  } else if (source === 'uploaded' && dimension !== datasets.vectorDimension) {
    issues.push({
      path: 'embeddings.dimension',
      message: `must be ${datasets.vectorDimension} with embeddings.source "uploaded" (the uploaded vectors are ${datasets.vectorDimension}-d), got ${dimension}`,
      related: ['embeddings.source'],
    });
  }
  return issues.length > 0 ? invalid(issues) : { config };
}
