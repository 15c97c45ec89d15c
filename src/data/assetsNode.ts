// Node only (CLI, tests): shipped data files read from public/data/.
import { readFile } from 'node:fs/promises';
import type { ReadAsset } from './assets';

const dataDir = new URL('../../public/data/', import.meta.url);

export const readNodeAsset: ReadAsset = async (path) => {
  if (path.includes('..')) throw new Error(`Data paths stay inside public/data: '${path}'`);
  return new Uint8Array(await readFile(new URL(path, dataDir)));
};
