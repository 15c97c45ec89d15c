// Backbone + head for one run, from its configuration and its task.
import { createHead, readsTargetTable, type Head } from '../heads';
import type { Backbone } from '../nn/backbone';
import { LstmSeq2seq } from '../nn/lstmSeq2seq';
import { Transformer } from '../nn/transformer';
import type { Engine } from '../tensor/engine';
import type { Tensor } from '../tensor/tensor';
import type { ExperimentConfig } from './config';
import { assertWithinLimits } from './limits';
import { sequenceLimit, type Task } from './task';

export interface Model {
  backbone: Backbone;
  head: Head;
  /** The frozen target table [V, m] on the GPU (continuous heads, tied inputs), or undefined. */
  targetTable: Tensor | undefined;
  release(): void;
}

export { sequenceLimit };

/** Throws a GpuError of kind 'limit', before allocating anything, when the run would not fit the device. */
export function buildModel(engine: Engine, config: ExperimentConfig, task: Task): Model {
  assertWithinLimits(engine.limits, config, task);
  const { model, head: headSpec, train } = config;
  const needsTable = readsTargetTable(headSpec) || model.tiedInput;
  const targetVocab = task.targetVocabulary.size;
  const targetTable = needsTable
    ? engine.keep(engine.tensor(task.targetTable, [targetVocab, task.tableDimension], 'f32', 'target_table'))
    : undefined;
  const tiedTable = model.tiedInput ? targetTable : undefined;
  const sourceVocab = task.sourceVocabulary?.size ?? 0;
  const common = {
    sourceVocab,
    targetVocab,
    encoderLayers: model.encoderLayers,
    decoderLayers: model.decoderLayers,
    dModel: model.dModel,
    initSeed: train.initSeed,
    sharedEmbedding: config.data.sharedVocabulary,
    ...(tiedTable ? { tiedTable } : {}),
  };
  let backbone: Backbone;
  if (model.backbone === 'lstm') {
    if (task.kind !== 'translation')
      throw new Error('The LSTM backbone is an encoder–decoder: use it with task "translation"');
    backbone = new LstmSeq2seq(engine, common);
  } else {
    if (task.kind === 'translation' && model.encoderLayers < 1)
      throw new Error('Translation needs model.encoderLayers ≥ 1');
    backbone = new Transformer(engine, {
      ...common,
      encoderLayers: task.kind === 'translation' ? model.encoderLayers : 0,
      heads: model.heads,
      ffn: model.ffn,
      positions: model.positions,
      maxLength: sequenceLimit(config),
    });
  }
  const inputEmbedding = backbone.decoderInput.trainableTable;
  const head = createHead(engine, headSpec, {
    hidden: model.dModel,
    vocab: targetVocab,
    initSeed: train.initSeed,
    ...(targetTable ? { targetTable } : {}),
    ...(inputEmbedding ? { inputEmbedding } : {}),
  });
  return {
    backbone,
    head,
    targetTable,
    release() {
      backbone.release();
      head.release();
      targetTable?.release();
    },
  };
}
