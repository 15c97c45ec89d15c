// A task's target table from a random source or a mix (embeddings.source "random-sphere" /
// "random-hypercube", embeddings.pretrainedWeight): every word covered, the reference code's special
// rows, seeded by the init seed, and a mix that is each pure table at its ends.
import { describe, expect, it } from 'vitest';
import type { ReadAsset } from '../../src/data/assets';
import { specialIds } from '../../src/data/vocabulary';
import { randomTable } from '../../src/embeddings/randomTargets';
import { defaultConfig, type ExperimentConfig } from '../../src/experiments/config';
import { mergeConfig } from '../../src/experiments/overrides';
import { prepareTask, taskKey } from '../../src/experiments/task';
import { catalogWith, type UploadedData } from '../../src/experiments/uploads';

const noFiles: ReadAsset = (path) => Promise.reject(new Error(`read ${path}: a random table must not read files`));
const words = Array.from({ length: 30 }, (_, i) => `${'abcdef'[i % 6]}${'ghijk'[Math.floor(i / 6)]}`);
/** 200 pairs with skewed word counts; the rarest target words fall outside a 24-word vocabulary and become <unk>. */
const targets = Array.from(
  { length: 200 },
  (_, i) => `${words[i % 7]} ${words[(i * 7) % 30]} ${words[(i * i) % 13]} ${words[i % 3]}`,
);
const uploads: UploadedData = {
  datasets: { 'upload:sky.tsv': { kind: 'parallel', src: targets.map((t) => t.toUpperCase()), tgt: targets } },
};
const m = 16;

function config(embeddings: Partial<ExperimentConfig['embeddings']>, initSeed = 3): ExperimentConfig {
  return mergeConfig(
    defaultConfig,
    {
      dataset: 'upload:sky.tsv',
      data: { sourceVocab: 40, targetVocab: 24, maxLength: 8, validSentences: 3 },
      embeddings: { dimension: m, ...embeddings },
      train: { initSeed },
    },
    catalogWith(uploads),
  );
}

const tableOf = async (c: ExperimentConfig) => (await prepareTask(noFiles, c, { uploads })).targetTable;
const bytes = (table: Float32Array) => new Uint8Array(table.buffer, table.byteOffset, table.byteLength);

describe('a task with random target embeddings', () => {
  it('gives every word, <unk> included, its own random unit row and keeps the special rows', async () => {
    const task = await prepareTask(noFiles, config({ source: 'random-sphere' }), { uploads });
    const V = task.targetVocabulary.size;
    expect(task.tableDimension).toBe(m);
    expect(task.pretrainedShare).toBe(0);
    const drawn = randomTable('random-sphere', V, m, 3);
    const row = (table: Float32Array, id: number) => Array.from(table.subarray(id * m, (id + 1) * m));
    for (let id = 0; id < V; id++) {
      if (id === specialIds.pad || id === specialIds.bos)
        expect(row(task.targetTable, id)).toEqual(new Array(m).fill(0));
      else if (id === specialIds.eos)
        for (const x of row(task.targetTable, id)) expect(x).toBeCloseTo(1 / Math.sqrt(m), 6);
      else row(task.targetTable, id).forEach((x, j) => expect(x).toBeCloseTo(row(drawn, id)[j]!, 6));
    }
  });

  it('draws from the init seed: the same seed gives the same bytes, another seed another table and another task', async () => {
    const first = config({ source: 'random-hypercube' });
    expect(bytes(await tableOf(first))).toEqual(bytes(await tableOf(config({ source: 'random-hypercube' }))));
    const reseeded = config({ source: 'random-hypercube' }, 4);
    expect(bytes(await tableOf(reseeded))).not.toEqual(bytes(await tableOf(first)));
    expect(taskKey(reseeded)).not.toBe(taskKey(first));
    // A pretrained table does not depend on the init seed, so its runs still share one task.
    expect(taskKey(config({ source: 'in-app' }, 4))).toBe(taskKey(config({ source: 'in-app' })));
  });

  it('mixes the in-app table with the random-sphere one: each pure table at α = 1 and α = 0', async () => {
    const inApp = await prepareTask(noFiles, config({ source: 'in-app' }), { uploads });
    expect(inApp.tableDimension).toBe(m);
    expect(bytes(await tableOf(config({ source: 'in-app', pretrainedWeight: 1 })))).toEqual(bytes(inApp.targetTable));
    expect(bytes(await tableOf(config({ source: 'in-app', pretrainedWeight: 0 })))).toEqual(
      bytes(await tableOf(config({ source: 'random-sphere' }))),
    );
    const half = await prepareTask(noFiles, config({ source: 'in-app', pretrainedWeight: 0.5 }), { uploads });
    expect(half.targetTable).not.toEqual(inApp.targetTable);
    expect(half.pretrainedShare).toBe(inApp.pretrainedShare);
    expect(taskKey(config({ source: 'in-app', pretrainedWeight: 0.5 }, 4))).not.toBe(
      taskKey(config({ source: 'in-app', pretrainedWeight: 0.5 })),
    );
  });
});
