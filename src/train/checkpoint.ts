// Checkpoints: every parameter with its Adam moments and update count, the step reached, the
// learning-rate factor, the wall clock and the record so far, in one binary blob — a magic tag, a
// JSON header, then float32 data. Restoring into a run built from the same configuration continues
// it exactly: batches and dropout masks depend only on the seeds and the step.
import type { Tensor } from '../tensor/tensor';
import { runRecordSchema } from './record';
import type { TrainingRun } from './run';

const magic = 'CONTINUUM-CKPT-1';

interface TensorEntry {
  label: string;
  shape: number[];
  /** Adam updates applied to this parameter. */
  updates: number;
}

interface Header {
  step: number;
  tokens: number;
  /** Absent in checkpoints written before rollbacks existed: 1. */
  learningRateFactor?: number;
  /** The run's wall clock when saved; absent in older checkpoints. */
  wallMs?: number;
  record: unknown;
  parameters: TensorEntry[];
}

/** Reads the run's state from the GPU (waits for its pending steps first). */
export async function saveCheckpoint(run: TrainingRun): Promise<Uint8Array> {
  await run.settle();
  const params = run.parameters;
  const tensors: Tensor[] = params.flatMap((p) => {
    return [p, ...run.optimizer.stateOf(p).moments];
  });
  const values = await Promise.all(tensors.map((t) => run.engine.read(t)));
  const header: Header = {
    step: run.step,
    tokens: run.tokens,
    learningRateFactor: run.learningRateFactor,
    wallMs: run.wallMs,
    record: run.record,
    parameters: params.map((p) => ({ label: p.label, shape: [...p.shape], updates: run.optimizer.stateOf(p).steps })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = magic.length + 4 + json.length;
  const dataOffset = Math.ceil(headerBytes / 4) * 4;
  const floats = values.reduce((n, v) => n + v.length, 0);
  const out = new Uint8Array(dataOffset + floats * 4);
  out.set(new TextEncoder().encode(magic), 0);
  new DataView(out.buffer).setUint32(magic.length, json.length, true);
  out.set(json, magic.length + 4);
  const data = new Float32Array(out.buffer, dataOffset, floats);
  let offset = 0;
  for (const v of values) {
    data.set(v, offset);
    offset += v.length;
  }
  return out;
}

function parseHeader(bytes: Uint8Array): { header: Header; data: Float32Array<ArrayBuffer> } {
  const tag = new TextDecoder().decode(bytes.subarray(0, magic.length));
  if (tag !== magic)
    throw new Error('This file is not a Continuum checkpoint (its first bytes are not the checkpoint tag)');
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(magic.length, true);
  const end = magic.length + 4 + length;
  if (end > bytes.length) throw new Error('The checkpoint is truncated (its header runs past the end of the file)');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(magic.length + 4, end))) as Header;
  const dataOffset = Math.ceil(end / 4) * 4;
  const copy = bytes.slice(dataOffset);
  return { header, data: new Float32Array(copy.buffer, 0, Math.floor(copy.length / 4)) };
}

/** The configuration and label a checkpoint was taken with, to rebuild its run. */
export function checkpointRecord(bytes: Uint8Array) {
  const parsed = runRecordSchema.safeParse(parseHeader(bytes).header.record);
  if (!parsed.success)
    throw new Error(`The checkpoint's run record is invalid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
  return parsed.data;
}

/**
 * Writes a checkpoint into a run built from the same configuration and sets its step, record and
 * learning-rate factor, clearing a divergence. Returns the run's wall clock at the checkpoint (the
 * last metric's time for older checkpoints), for a caller that continues the run's time axis.
 */
export function restoreCheckpoint(run: TrainingRun, bytes: Uint8Array): { wallMs: number } {
  const { header, data } = parseHeader(bytes);
  const params = run.parameters;
  if (header.parameters.length !== params.length) {
    throw new Error(
      `The checkpoint holds ${header.parameters.length} parameters but this model has ${params.length}: was it taken with another configuration?`,
    );
  }
  // Everything is checked before anything is written: a run left half restored would train on mixed state.
  params.forEach((p, i) => {
    const entry = header.parameters[i]!;
    if (entry.label !== p.label || entry.shape.join() !== p.shape.join()) {
      throw new Error(
        `Checkpoint parameter ${i} is ${entry.label} [${entry.shape.join('×')}] but the model has ${p.label} [${p.shape.join('×')}]`,
      );
    }
  });
  const needed = params.reduce((n, p) => n + p.size * (1 + run.optimizer.stateOf(p).moments.length), 0);
  if (needed > data.length) throw new Error('The checkpoint is truncated (fewer values than its parameters need)');
  if (needed < data.length) {
    throw new Error(
      `The checkpoint holds ${data.length} values where this run's parameters and optimizer state take ${needed}: it was written for another optimizer setup (e.g. PLIF slopes trained by Adam, before they defaulted to SGD)`,
    );
  }
  // Queue writes run before any work still being recorded, such as the zeroed Adam moments of a
  // freshly built run: submit that first, or it would wipe the restored moments.
  run.engine.flush();
  let offset = 0;
  const take = (t: Tensor) => {
    run.engine.write(t, data, offset);
    offset += t.size;
  };
  params.forEach((p, i) => {
    take(p);
    run.optimizer.stateOf(p).moments.forEach(take);
    run.optimizer.restoreUpdateCount(p, header.parameters[i]!.updates);
  });
  const record = runRecordSchema.parse(header.record);
  run.step = header.step;
  run.tokens = header.tokens;
  run.learningRateFactor = header.learningRateFactor ?? 1;
  run.divergence = undefined;
  run.record.metrics = record.metrics;
  run.record.evals = record.evals;
  return { wallMs: header.wallMs ?? record.metrics.at(-1)?.wallMs ?? 0 };
}

/**
 * Returns a diverged run to an earlier checkpoint of its own at half the learning rate it diverged
 * with (not the checkpoint's): unchanged, the same batches and dropout masks would diverge again.
 */
export function rollBack(run: TrainingRun, bytes: Uint8Array): void {
  const factor = run.learningRateFactor;
  restoreCheckpoint(run, bytes);
  run.learningRateFactor = factor / 2;
}
