// `continuum export` end to end: train three tiny runs (softmax, NLLvMF, PLIF) for two steps,
// checkpoint them, export each checkpoint, and read the files back with a strict reader: every
// parameter bit for bit as the engine held it, the target table, the vocabularies and the config.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readNodeAsset } from '../../src/data/assetsNode';
import { applyOverrides } from '../../src/experiments/overrides';
import { exportCommand } from '../../src/cli/export';
import { main } from '../../src/cli/main';
import { runComparison } from '../../src/train/compare';
import { getEngine } from '../helpers/gpu';
import { tinyReverseTask } from '../helpers/reverseTask';
import { float32Of, readSafetensors } from '../helpers/safetensors';

const tiny = applyOverrides(tinyReverseTask, { 'train.steps': 2, 'train.checkpointEvery': 2 });
const runs = [
  { label: 'softmax', config: applyOverrides(tiny, { head: { kind: 'softmax' } }) },
  {
    label: 'NLLvMF',
    config: applyOverrides(tiny, { head: { kind: 'vmf', regularizer: { kind: 'none' }, approximate: false } }),
  },
  // Its slopes θ are no parameter of the run, but the model needs them.
  { label: 'PLIF', config: applyOverrides(tiny, { head: { kind: 'plif', pieces: 64, frozen: true } }) },
];

interface Taken {
  checkpoint: Uint8Array;
  parameters: Map<string, { shape: number[]; values: Float32Array }>;
  targetTable: Float32Array | undefined;
  source: readonly string[];
  target: readonly string[];
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('continuum export', () => {
  it('writes every parameter, the target table, the vocabularies and the config of a checkpoint', async () => {
    const taken: Taken[] = [];
    await runComparison({
      engine: await getEngine(),
      read: readNodeAsset,
      adapter: 'test',
      runs,
      evaluation: { decodeSentences: 0 },
      onProgress: async (event) => {
        if (event.kind !== 'checkpoint') return;
        const { run } = event;
        const parameters = new Map<string, { shape: number[]; values: Float32Array }>();
        for (const p of [...run.parameters, ...run.model.head.frozenOwned()])
          parameters.set(p.label, { shape: [...p.shape], values: (await run.engine.read(p)) as Float32Array });
        taken[event.index] = {
          checkpoint: event.bytes,
          parameters,
          targetTable: run.model.targetTable ? run.task.targetTable : undefined,
          source: run.task.sourceVocabulary!.tokens,
          target: run.task.targetVocabulary.tokens,
        };
      },
    });
    expect(taken).toHaveLength(3);
    expect(taken[2]!.parameters.has('plif.theta')).toBe(true);
    expect(taken[0]!.targetTable).toBeUndefined();
    expect(taken[1]!.targetTable).toBeDefined();

    const dir = mkdtempSync(join(tmpdir(), 'continuum-export-'));
    for (const [index, expected] of taken.entries()) {
      const checkpoint = join(dir, `run${index}.ckpt`);
      const out = join(dir, `run${index}.safetensors`);
      writeFileSync(checkpoint, expected.checkpoint);
      vi.spyOn(console, 'error').mockImplementation(() => undefined);
      expect(await exportCommand({ checkpoint, out })).toBe(0);
      const file = readSafetensors(new Uint8Array(readFileSync(out)));

      const names = [...expected.parameters.keys(), ...(expected.targetTable ? ['target_table'] : [])];
      expect([...file.tensors.keys()].sort()).toEqual(names.sort());
      expect(names.some((name) => name.startsWith('decoder.0.'))).toBe(true);
      for (const [name, { shape, values }] of expected.parameters) {
        const tensor = file.tensors.get(name)!;
        expect(tensor.shape, name).toEqual(shape);
        expect(new Uint8Array(float32Of(tensor).buffer), name).toEqual(new Uint8Array(values.buffer));
      }
      if (expected.targetTable) {
        const table = file.tensors.get('target_table')!;
        expect(table.shape).toEqual([expected.target.length, runs[index]!.config.embeddings.dimension]);
        expect(float32Of(table)).toEqual(expected.targetTable);
      }
      const metadata = file.metadata!;
      expect(metadata.format).toBe('pt');
      expect(metadata.label).toBe(runs[index]!.label);
      expect(metadata.step).toBe('2');
      expect(JSON.parse(metadata.config!)).toEqual(runs[index]!.config);
      expect(JSON.parse(metadata.source_vocabulary!)).toEqual(expected.source);
      expect(JSON.parse(metadata.target_vocabulary!)).toEqual(expected.target);
      expect(metadata.continuum_version).toMatch(/^\d+\.\d+\.\d+/);
      expect(metadata.continuum_commit).toMatch(/^([0-9a-f]{7,}(\+changes)?|unknown)$/);
    }

    // A checkpoint cut short: its run is rebuilt, then the restore finds too few values.
    const truncated = join(dir, 'truncated.ckpt');
    writeFileSync(truncated, taken[0]!.checkpoint.subarray(0, taken[0]!.checkpoint.length - 64));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await main(['export', '--checkpoint', truncated, '--out', join(dir, 'truncated.safetensors')])).toBe(1);
    expect(errors).toHaveBeenLastCalledWith(
      `continuum: ${truncated}: The checkpoint is truncated (fewer values than its parameters need)`,
    );
  }, 300_000);

  it('says which file is missing or not a checkpoint, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'continuum-export-'));
    const notCheckpoint = join(dir, 'notes.ckpt');
    writeFileSync(notCheckpoint, 'not a checkpoint at all');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const out = join(dir, 'out.safetensors');
    expect(await main(['export', '--checkpoint', join(dir, 'missing.ckpt'), '--out', out])).toBe(1);
    expect(errors).toHaveBeenLastCalledWith(
      `continuum: Cannot read the checkpoint ${join(dir, 'missing.ckpt')}: no such file`,
    );
    expect(await main(['export', '--checkpoint', notCheckpoint, '--out', out])).toBe(1);
    expect(errors).toHaveBeenLastCalledWith(
      `continuum: ${notCheckpoint}: This file is not a Continuum checkpoint (its first bytes are not the checkpoint tag)`,
    );
  });
});
