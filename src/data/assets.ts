// Shipped data lives under public/data/ and is read through this one function type: the page
// fetches from its own origin, Node reads the file (src/data/assetsNode.ts). Nothing else is fetched.
import { gunzipSync } from 'fflate';

export type ReadAsset = (path: string) => Promise<Uint8Array>;

/** Reads an asset, un-gzipping it when its name ends in .gz. */
export async function readAssetBytes(read: ReadAsset, path: string): Promise<Uint8Array> {
  const bytes = await read(path);
  return path.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

export async function readAssetText(read: ReadAsset, path: string): Promise<string> {
  return new TextDecoder('utf-8', { fatal: true }).decode(await readAssetBytes(read, path));
}

/** The page's reader: same-origin fetch below the app's base URL. */
export function fetchAssets(baseUrl: string): ReadAsset {
  return async (path) => {
    const response = await fetch(`${baseUrl.replace(/\/?$/, '/')}data/${path}`);
    if (!response.ok) throw new Error(`Could not load data file '${path}': HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
}
