// A trained run as a safetensors file (docs/export.md): every parameter under its module path (a
// head's frozen tensors included), the frozen target table, and in the metadata the configuration,
// the vocabularies and the run's label and step. Vocabularies are strings, which safetensors tensors
// cannot hold: they go in the metadata as JSON arrays, id i being entry i.
import { version } from '../../package.json';
import { encodeSafetensors, type NamedTensor } from '../data/safetensors';
import type { TrainingRun } from './run';

/** The frozen target table's name in the file; parameter names are module paths with dots. */
const targetTableName = 'target_table';

/**
 * Reads the run's parameters from the GPU (after its pending steps) and lays them out as safetensors.
 * `commit`: the code's commit, where the caller knows it (the CLI asks git; the page cannot).
 */
export async function runWeights(
  run: TrainingRun,
  { commit }: { commit?: string } = {},
): Promise<Uint8Array<ArrayBuffer>> {
  await run.settle();
  // A frozen PLIF θ is no parameter of the run (nothing trains it) but the model needs it.
  const parameters = [...new Set([...run.parameters, ...run.model.head.frozenOwned()])];
  const values = await Promise.all(parameters.map((p) => run.engine.read(p)));
  const tensors = parameters.map((p, i): NamedTensor => {
    const data = values[i]!;
    if (!(data instanceof Float32Array)) throw new Error(`Parameter ${p.label} is ${p.dtype}, not f32`);
    return { name: p.label, dtype: 'F32', shape: p.shape, data };
  });
  const { task, model } = run;
  if (model.targetTable)
    tensors.push({ name: targetTableName, dtype: 'F32', shape: model.targetTable.shape, data: task.targetTable });
  const metadata: Record<string, string> = {
    format: 'pt',
    continuum_version: version,
    ...(commit === undefined ? {} : { continuum_commit: commit }),
    label: run.record.label,
    step: String(run.step),
    config: JSON.stringify(run.config),
    target_vocabulary: JSON.stringify(task.targetVocabulary.tokens),
  };
  if (task.sourceVocabulary) metadata.source_vocabulary = JSON.stringify(task.sourceVocabulary.tokens);
  return encodeSafetensors(tensors, metadata);
}
