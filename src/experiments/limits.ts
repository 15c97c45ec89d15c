// The pre-flight check: before a run's model allocates anything, the largest tensors and dispatches
// its settings lead to are computed from the configuration and the prepared task and compared with
// the GPU's limits. What a kernel could not bind or dispatch is refused with one line per problem,
// naming the tensor, its size, the limit and the settings that size it. The buffer pool and the
// step recorder refuse the same things per allocation and per dispatch (the backstop, for tensors
// not listed here such as evaluation's); this check makes the refusal come before any GPU work and
// name the exact settings.
// Shape legend: B sentences per batch, T longest decoder input, S longest source, N = B·T, V target
// vocabulary, V_s source vocabulary, m table dimension, d model width, F FFN width, H heads. The
// head's own tensors come from its definition (`headDemands`, src/heads).
import { GpuError, limitMessage, storageLimit, workgroupLimitMessage, type DeviceLimits } from '../gpu';
import { headDemands, readsTargetTable, type TensorDemand } from '../heads';
import { describeShape, sizeOf } from '../tensor/tensor';
import type { ExperimentConfig } from './config';
import { sequenceLimit, type Task } from './task';

/** The sizes a run's tensors take from its task rather than from the settings alone. */
export interface TaskSizes {
  targetVocab: number;
  /** 0 without an encoder. */
  sourceVocab: number;
  tableDimension: number;
  /** Rows of the largest training batch: B, or fewer when the task has fewer examples. */
  batchRows: number;
  /** T: the longest decoder input among the training examples. */
  decoderLength: number;
  /** S: the longest source among the training examples; 0 without an encoder. */
  sourceLength: number;
}

export function taskSizes(config: ExperimentConfig, task: Task): TaskSizes {
  let decoderLength = 0;
  let sourceLength = 0;
  for (const example of task.train) {
    decoderLength = Math.max(decoderLength, example.input.length);
    sourceLength = Math.max(sourceLength, example.source?.length ?? 0);
  }
  return {
    targetVocab: task.targetVocabulary.size,
    sourceVocab: task.sourceVocabulary?.size ?? 0,
    tableDimension: task.tableDimension,
    batchRows: Math.min(config.train.batchSentences, task.train.length),
    decoderLength,
    sourceLength,
  };
}

/** Every f32 tensor of a training step that can grow large, with the settings that size it. */
export function largestTensors(config: ExperimentConfig, sizes: TaskSizes): TensorDemand[] {
  const { model, head, data } = config;
  const { targetVocab: v, sourceVocab, tableDimension: m, batchRows: b, decoderLength: t, sourceLength: s } = sizes;
  const d = model.dModel;
  const n = b * t;
  // BPE sizes the target vocabulary by its merges, not by data.targetVocab.
  const vocab = data.targetTokenization === 'bpe' ? 'data.bpeMerges' : 'data.targetVocab';
  const batch = ['train.batchSentences', 'data.maxLength'];
  const transformer = model.backbone === 'transformer';
  const demands: TensorDemand[] = [
    { label: 'decoder hidden states', shape: [n, d], lower: [...batch, 'model.dModel'] },
  ];
  const add = (when: boolean, demand: TensorDemand) => {
    if (when) demands.push(demand);
  };

  add(readsTargetTable(head) || model.tiedInput, {
    label: 'target_table',
    shape: [v, m],
    lower: [vocab, 'embeddings.dimension'],
  });
  add(!model.tiedInput, { label: 'decoder.embedding.table', shape: [v, d], lower: [vocab, 'model.dModel'] });
  add(sourceVocab > 0 && !data.sharedVocabulary, {
    label: 'encoder.embedding.table',
    shape: [sourceVocab, d],
    lower: ['data.sourceVocab', 'model.dModel'],
  });
  add(transformer, {
    label: 'positions',
    shape: [sequenceLimit(config), d],
    lower: ['data.maxLength', 'model.dModel'],
  });
  add(transformer, {
    label: 'decoder.0.ffn.inner.weight',
    shape: [model.ffn, d],
    lower: ['model.ffn', 'model.dModel'],
  });
  add(transformer, { label: 'feed-forward activations', shape: [n, model.ffn], lower: [...batch, 'model.ffn'] });
  add(transformer, {
    label: 'self-attention Q|K|V',
    shape: [b * Math.max(t, s), 3 * d],
    lower: [...batch, 'model.dModel'],
  });
  add(transformer, {
    label: 'decoder self-attention scores',
    shape: [b * model.heads, t, t],
    lower: [...batch, 'model.heads'],
  });
  add(transformer && s > 0, {
    label: 'encoder self-attention scores',
    shape: [b * model.heads, s, s],
    lower: [...batch, 'model.heads'],
  });
  add(transformer && s > 0, {
    label: 'cross-attention scores',
    shape: [b * model.heads, t, s],
    lower: [...batch, 'model.heads'],
  });
  // Input feeding: the first decoder layer reads [embedding; attentional state], 2d wide, into 4 gates.
  add(!transformer, { label: 'decoder.0.ih.weight', shape: [4 * d, 2 * d], lower: ['model.dModel'] });

  demands.push(
    ...headDemands(head, { tokens: n, vocab: v, hidden: d, embedding: m, tokenSettings: batch, vocabSetting: vocab }),
  );
  return demands;
}

/** Attention's batched products dispatch one workgroup layer per sentence and head, along one dimension. */
function attentionHeads(config: ExperimentConfig): number {
  // The LSTM's global attention has one head.
  return config.model.backbone === 'transformer' ? config.model.heads : 1;
}

const orList = (settings: string[]) =>
  settings.length === 1 ? settings[0]! : `${settings.slice(0, -1).join(', ')} or ${settings.at(-1)}`;

/** One line per tensor or dispatch beyond the device's limits; empty when the run fits. */
export function limitProblems(limits: DeviceLimits, config: ExperimentConfig, sizes: TaskSizes): string[] {
  const binding = storageLimit(limits);
  const problems = largestTensors(config, sizes)
    .filter((demand) => sizeOf(demand.shape) * 4 > binding.bytes)
    .map(({ label, shape, lower }) =>
      limitMessage(
        `Tensor '${label} f32${describeShape(shape)}'`,
        sizeOf(shape) * 4,
        binding.name,
        binding.bytes,
        `Lower ${orList(lower)}.`,
      ),
    );
  const heads = attentionHeads(config);
  const workgroups = sizes.batchRows * heads;
  if (workgroups > limits.maxComputeWorkgroupsPerDimension) {
    const lower = heads > 1 ? ['train.batchSentences', 'model.heads'] : ['train.batchSentences'];
    const what = `Attention over ${sizes.batchRows} sentences × ${heads} head${heads > 1 ? 's' : ''}`;
    problems.push(
      workgroupLimitMessage(what, [workgroups], limits.maxComputeWorkgroupsPerDimension, `Lower ${orList(lower)}.`),
    );
  }
  return problems;
}

/** Throws a GpuError of kind 'limit' listing every problem when the run would not fit the device. */
export function assertWithinLimits(limits: DeviceLimits, config: ExperimentConfig, task: Task): void {
  const problems = limitProblems(limits, config, taskSizes(config, task));
  if (problems.length > 0)
    throw new GpuError('limit', `These settings need more than this GPU allows:\n  ${problems.join('\n  ')}`);
}
