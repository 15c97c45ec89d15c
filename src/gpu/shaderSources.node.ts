// Node (CLI, tests, tsx): read the WGSL files next to the package at first use.
// The browser build resolves `#shader-sources` to shaderSources.vite.ts instead (package.json "imports").
import { readFileSync } from 'node:fs';
import { shaderLoader } from './shaderLibrary';

const shaderDir = new URL('../../shaders/', import.meta.url);

function readShaderFile(name: string): string | undefined {
  try {
    return readFileSync(new URL(`${name}.wgsl`, shaderDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Shader `name` with the shaders/lib/ files it uses appended (src/gpu/shaderLibrary.ts). */
export const shaderSource = shaderLoader(readShaderFile);
