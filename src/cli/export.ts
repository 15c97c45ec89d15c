// `continuum export`: a checkpoint's weights as safetensors (docs/export.md). The run is rebuilt from
// the configuration the checkpoint carries, as `eval` does, because the vocabularies and the target
// table come from its task, and the checkpoint is restored into it, which checks every parameter's
// name and shape.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readNodeAsset } from '../data/assetsNode';
import { prepareTask } from '../experiments/task';
import { checkpointRecord, restoreCheckpoint } from '../train/checkpoint';
import { TrainingRun } from '../train/run';
import { runWeights } from '../train/weights';
import { currentCommit } from './commit';
import { openEngine } from './engine';
import { adapterLine } from './format';

export interface ExportCommandOptions {
  checkpoint: string;
  out: string;
}

async function readCheckpoint(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new Error(`Cannot read the checkpoint ${path}: ${reason}`);
  }
}

/** `read()`, with any error it throws prefixed by the checkpoint's path. */
function naming<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}

export async function exportCommand(options: ExportCommandOptions): Promise<number> {
  const bytes = await readCheckpoint(options.checkpoint);
  const saved = naming(options.checkpoint, () => checkpointRecord(bytes));
  const { engine } = await openEngine();
  const adapter = adapterLine(engine.gpu.adapter);
  const task = await prepareTask(readNodeAsset, saved.config, { engine });
  const run = new TrainingRun(engine, task, saved.config, { label: saved.label, adapter });
  try {
    naming(options.checkpoint, () => restoreCheckpoint(run, bytes));
    const file = await runWeights(run, { commit: currentCommit() });
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(options.out, file);
    console.error(
      `Wrote ${options.out}: ${run.parameters.length} parameters of "${saved.label}" at step ${run.step}${run.model.targetTable ? ', the target table' : ''} and the vocabularies (${(file.length / 1e6).toFixed(1)} MB)`,
    );
  } finally {
    run.release();
  }
  return 0;
}
