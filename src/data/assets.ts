// Shipped data lives under public/data/ and is read through this one function type: the page
// fetches from its own origin, Node reads the file (src/data/assetsNode.ts). Nothing else is fetched.
export type ReadAsset = (path: string) => Promise<Uint8Array>;

/** The page's reader: same-origin fetch below the app's base URL. */
export function fetchAssets(baseUrl: string): ReadAsset {
  return async (path) => {
    const response = await fetch(`${baseUrl.replace(/\/?$/, '/')}data/${path}`);
    if (!response.ok) throw new Error(`Could not load data file '${path}': HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
}
