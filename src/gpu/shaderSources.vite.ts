// Browser build: Vite inlines every WGSL file, shaders/lib/ included, as a string at build time.
import { shaderLoader } from './shaderLibrary';

const files = import.meta.glob('/shaders/**/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>;

/** Shader `name` with the shaders/lib/ files it uses appended (src/gpu/shaderLibrary.ts). */
export const shaderSource = shaderLoader((name) => files[`/shaders/${name}.wgsl`]);
