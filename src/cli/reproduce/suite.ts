// What `continuum reproduce` runs: the results suite of docs/results.md as data. Each part asks one
// question; a training part is a list of runs, each identified by a stable id so that an
// interrupted suite finds its finished records and checkpoints again. `small` is what this
// repository's results come from (a 2-core machine's software GPU, hours in all); `paper` runs the
// same parts at the papers' sizes, for a real GPU.
import { defaultConfig, type ExperimentConfig } from '../../experiments/config';
import { mergeConfig } from '../../experiments/overrides';
import { presetBase, presetNamed } from '../../experiments/presets';
import type { HeadSpec } from '../../heads';

export const scales = ['small', 'paper'] as const;
export type Scale = (typeof scales)[number];

export interface PlannedRun {
  /** Stable across sessions: the record's and the checkpoint's file name. */
  id: string;
  /** The head's name in tables (the same for every seed of it). */
  head: string;
  seed: number;
  config: ExperimentConfig;
  /**
   * The part whose record this run is, when two parts share it (the same head, data, seed and
   * settings): it is trained once, filed there, and read by both.
   */
  recordedIn?: PartName;
}

/** The part a planned run's record and checkpoint are filed under. */
export const homeOf = (part: Part, planned: PlannedRun): string => planned.recordedIn ?? part.name;

interface PartBase {
  name: string;
  title: string;
  /** The question the part answers, as docs/results.md states it. */
  question: string;
}

export type Part =
  | (PartBase & { kind: 'training'; runs: PlannedRun[] })
  | (PartBase & { kind: 'speed'; vocabs: number[]; timedSteps: number })
  | (PartBase & { kind: 'synthetic'; settings: Record<string, unknown> });

export const partNames = [
  'translation-kjv-web',
  'language-model',
  'synthetic',
  'speed',
  'translation-es-en',
  'comparators-kjv-web',
] as const;
export type PartName = (typeof partNames)[number];

const softmax: HeadSpec = { kind: 'softmax' };
/** Methods spec (b): the paper's NLLvMF, reg1 + reg2 at λ1 = 0.02, λ2 = 0.1. */
const nllVmfPaper: HeadSpec = {
  kind: 'vmf',
  regularizer: { kind: 'reg1+reg2', lambda1: 0.02, lambda2: 0.1 },
  approximate: false,
};
/** The reference code's −log C_m(κ) + log(1+κ)(0.2 − cos). */
const nllVmfCode: HeadSpec = { kind: 'vmf', regularizer: { kind: 'log1p', lambda: 0.2 }, approximate: false };

/** Heads by table name; the first two of a translation part are trained with three seeds. */
const translationHeads: Array<{ name: string; head: HeadSpec; seeds: number[] }> = [
  { name: 'softmax', head: softmax, seeds: [1, 2, 3] },
  { name: 'NLLvMF log(1+κ)(0.2−cos)', head: nllVmfCode, seeds: [1, 2, 3] },
  { name: 'NLLvMF reg1+reg2', head: nllVmfPaper, seeds: [1] },
  { name: 'cosine', head: { kind: 'cosine' }, seeds: [1] },
  { name: 'max-margin 0.5', head: { kind: 'max-margin', margin: 0.5 }, seeds: [1] },
  { name: 'L2', head: { kind: 'l2' }, seeds: [1] },
];

const languageModelHeads: Array<{ name: string; head: HeadSpec }> = [
  { name: 'softmax', head: softmax },
  { name: 'PLIF (learned)', head: { kind: 'plif' } },
  { name: 'PLIF (frozen)', head: { kind: 'plif', frozen: true } },
  { name: 'MoS (15)', head: { kind: 'mos', components: 15 } },
  { name: 'NLLvMF log(1+κ)(0.2−cos)', head: nllVmfCode },
];

/** "NLLvMF log(1+κ)(0.2−cos)" → "nllvmf-log-1-0-2-cos": a file name. */
const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

function withHead(base: ExperimentConfig, head: HeadSpec, seed: number): ExperimentConfig {
  return { ...base, head, train: { ...base.train, initSeed: seed, dataSeed: seed } };
}

/**
 * The papers' translation setting (methods spec (a)): 2-layer LSTMs of 1024 units with attention,
 * 50k vocabularies, Adam at 5·10⁻⁴, batches of 64, clip 5; GloVe 100-d targets, where the paper used
 * 300-d fastText (the only vectors shipped here).
 */
const paperTranslation = mergeConfig(defaultConfig, {
  data: { sourceVocab: 50_000, targetVocab: 50_000, maxLength: 50, validSentences: 1000 },
  model: { backbone: 'lstm', encoderLayers: 2, decoderLayers: 2, dModel: 1024, heads: 1, ffn: 1024, dropout: 0 },
  train: {
    steps: 60_000,
    batchSentences: 64,
    learningRate: 5e-4,
    warmupSteps: 0,
    decay: 'none',
    evalEvery: 2000,
    patience: 3,
    stopOn: 'accuracy',
    checkpointEvery: 2000,
  },
});

const translationBase = (scale: Scale, dataset: string): ExperimentConfig => ({
  ...(scale === 'small' ? presetBase(presetNamed('kjv-web')) : paperTranslation),
  dataset,
});

function translationPart(name: PartName, dataset: string, direction: string, scale: Scale): Part {
  const base = translationBase(scale, dataset);
  return {
    kind: 'training',
    name,
    title: `Translation, ${direction}`,
    question: `Does a continuous output layer translate ${direction} as well as softmax, and how much faster?`,
    // Seed 1 of every head first, so an interrupted suite already compares them all.
    runs: translationHeads
      .flatMap(({ name: head, head: spec, seeds }) =>
        seeds.map((seed) => ({ id: `${slug(head)}-seed${seed}`, head, seed, config: withHead(base, spec, seed) })),
      )
      .sort((a, b) => a.seed - b.seed),
  };
}

function languageModelPart(scale: Scale): Part {
  // Small: the lm-bottleneck preset trained to early stopping. Paper: a 10k vocabulary of PTB's size.
  // A language model stops on its own validation loss (each run against its own progress, so
  // NLLvMF's offset does not matter; earlyStopping.ts): accuracy on a small validation set moves by
  // single tokens, and stopping on it ended a PLIF run whose perplexity was still falling. 200
  // windows = 4,800 validation tokens.
  const small = mergeConfig(presetBase(presetNamed('lm-bottleneck')), {
    data: { validSentences: 200 },
    train: { steps: 3000, evalEvery: 100, patience: 3, stopOn: 'loss', checkpointEvery: 100 },
  });
  const paper = mergeConfig(defaultConfig, {
    task: 'language-model',
    dataset: 'sotu',
    data: { targetVocab: 10_000, maxLength: 70, validSentences: 1000 },
    embeddings: { source: 'in-app', dimension: 300 },
    model: { encoderLayers: 0, decoderLayers: 3, dModel: 512, heads: 8, ffn: 2048, dropout: 0.3 },
    train: {
      steps: 40_000,
      batchSentences: 32,
      learningRate: 5e-4,
      warmupSteps: 1000,
      evalEvery: 1000,
      patience: 5,
      stopOn: 'loss',
      checkpointEvery: 1000,
    },
  });
  const base = scale === 'small' ? small : paper;
  return {
    kind: 'training',
    name: 'language-model',
    title: 'Language model, State of the Union addresses',
    question:
      'Do the softmax-bottleneck fixes (PLIF, MoS) lower perplexity, does PLIF need to learn its slopes, and where does NLLvMF stand?',
    runs: languageModelHeads.map(({ name, head }) => ({
      id: `${slug(name)}-seed1`,
      head: name,
      seed: 1,
      config: withHead(base, head, 1),
    })),
  };
}

/**
 * The newer comparators on King James → World English, one seed each: the power-spherical loss
 * beside NLLvMF, ReWE's regression as a regulariser of softmax, and NLLvMF on other target tables
 * (in-app PPMI-SVD, random rows on the sphere or the hypercube's corners, GloVe mixed half and half
 * with random rows), as the presets vmf-vs-power-spherical, softmax-vs-rewe-vs-vmf and target-tables
 * compare them. Softmax and NLLvMF on GloVe are translation-kjv-web's seed-1 runs.
 */
function comparatorsPart(scale: Scale): Part {
  const base = translationBase(scale, 'bible-kjv-en');
  const withTargets = (embeddings: Partial<ExperimentConfig['embeddings']>): ExperimentConfig => ({
    ...withHead(base, nllVmfCode, 1),
    embeddings: { ...base.embeddings, ...embeddings },
  });
  const shared = (name: string, head: HeadSpec): PlannedRun => ({
    id: `${slug(name)}-seed1`,
    head: name,
    seed: 1,
    config: withHead(base, head, 1),
    recordedIn: 'translation-kjv-web',
  });
  // The live default's coverage lever at the suite's size: one vocabulary for both sides with its rare
  // words numbered, so that the model can copy them (data.numberedUnknowns; methods.md).
  const copyable = (head: HeadSpec): ExperimentConfig => {
    const config = withHead(base, head, 1);
    return { ...config, data: { ...config.data, sharedVocabulary: true, numberedUnknowns: 8 } };
  };
  const run = (name: string, config: ExperimentConfig): PlannedRun => ({
    id: `${slug(name)}-seed1`,
    head: name,
    seed: 1,
    config,
  });
  return {
    kind: 'training',
    name: 'comparators-kjv-web',
    title: 'Newer comparators, King James → World English',
    question:
      'Does the power-spherical loss match NLLvMF, does a continuous regression help softmax as a regulariser (ReWE), do random target tables serve NLLvMF as well as pretrained ones, and does letting each head copy rare words (numbered unknowns) bring it closer to copying the source?',
    runs: [
      shared('softmax', softmax),
      shared('NLLvMF log(1+κ)(0.2−cos)', nllVmfCode),
      run('power-spherical', withHead(base, { kind: 'power-spherical' }, 1)),
      run('ReWE (λ = 20)', withHead(base, { kind: 'rewe' }, 1)),
      run('NLLvMF, in-app targets', withTargets({ source: 'in-app' })),
      run('NLLvMF, random-sphere targets', withTargets({ source: 'random-sphere' })),
      run('NLLvMF, random-hypercube targets', withTargets({ source: 'random-hypercube' })),
      run('NLLvMF, GloVe + random (α = 0.5)', withTargets({ source: 'glove', pretrainedWeight: 0.5 })),
      run('softmax, copyable unknowns', copyable(softmax)),
      run('NLLvMF, copyable unknowns', copyable(nllVmfCode)),
    ],
  };
}

/** The parts in the order they run: the page's recorded comparison first. */
export function suiteParts(scale: Scale): Part[] {
  return [
    translationPart('translation-kjv-web', 'bible-kjv-en', 'King James → World English', scale),
    languageModelPart(scale),
    {
      kind: 'synthetic',
      name: 'synthetic',
      title: 'The synthetic softmax bottleneck',
      question:
        'When the true log-probability matrix has full rank, which output layers escape the rank d + 1 limit of a linear softmax?',
      // Three seeds of the default sweep (d = 2…64, N = V = 256); paper: V = 1024 and 1,000 steps.
      settings:
        scale === 'small' ? {} : { contexts: 1024, vocab: 1024, dims: [2, 4, 8, 16, 32, 64, 128, 256], steps: 1000 },
    },
    {
      kind: 'speed',
      name: 'speed',
      title: 'Speed against vocabulary size',
      question:
        'How does the training speed of NLLvMF against softmax change with the vocabulary size (the paper’s Fig. 1)?',
      vocabs: [5000, 10_000, 20_000, 50_000],
      timedSteps: scale === 'small' ? 3 : 20,
    },
    translationPart('translation-es-en', 'bible-es-en', 'Spanish → English', scale),
    comparatorsPart(scale),
  ];
}

/** Seeds of the synthetic sweep. */
export const syntheticSeeds = [1, 2, 3];

/** How a part's records are named: a run's id, `v<V>` for a vocabulary size, `seed<n>` for a sweep. */
export const speedRunId = (vocab: number) => `v${vocab}`;
export const syntheticRunId = (seed: number) => `seed${seed}`;

/** Every record a part makes, by name (what `--only PART/RUN` may name). */
export function runIds(part: Part): string[] {
  if (part.kind === 'training') return part.runs.map((r) => r.id);
  if (part.kind === 'speed') return part.vocabs.map(speedRunId);
  return syntheticSeeds.map(syntheticRunId);
}
