// The shipped data loads in the browser from the page's own origin, checksums verified by WebCrypto.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, startDevServer, type DevServer, type LaunchedBrowser } from '../helpers/browser';

let server: DevServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchChromium({ webgpu: false });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('loads a translation split and the GloVe slice through fetch, and makes no request elsewhere', async () => {
  const page = await browser.context.newPage();
  const foreign: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(server.url.replace(/\/$/, ''))) foreign.push(request.url());
  });
  await page.goto(server.url);
  // A string, so vitest's transform leaves its dynamic imports alone: Vite serves the sources as
  // modules, the same loaders the app uses.
  const loaded = await page.evaluate(`(async () => {
    const { fetchAssets } = await import('/src/data/assets.ts');
    const { loadParallel, loadGlove } = await import('/src/data/datasets.ts');
    const read = fetchAssets('/');
    const test = await loadParallel(read, 'bible-es-en', 'test');
    const glove = await loadGlove(read);
    return { pairs: test.src.length, first: test.refs[0], words: glove.words.length, dim: glove.dim };
  })()`);
  expect(loaded).toEqual({ pairs: 236, first: 'Ruth 1:1', words: 34330, dim: 100 });
  expect(foreign).toEqual([]);
});
