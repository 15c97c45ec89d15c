// Node (CLI, tests, tsx): read the WGSL files next to the package at first use.
// The browser build resolves `#shader-sources` to shaderSources.vite.ts instead (package.json "imports").
import { readFileSync } from 'node:fs';

const shaderDir = new URL('../../shaders/', import.meta.url);
const cache = new Map<string, string>();

export function shaderSource(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`${name}.wgsl`, shaderDir), 'utf8');
    cache.set(name, text);
  }
  return text;
}
