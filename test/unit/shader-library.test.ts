import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shaderLoader } from '../../src/gpu/shaderLibrary';
import { shaderSource } from '../../src/gpu/shaderSources.node';
import { shaderSource as bundledShaderSource } from '../../src/gpu/shaderSources.vite';

const shaderDir = new URL('../../shaders/', import.meta.url);
const wgslNames = (dir: string) =>
  readdirSync(new URL(dir, shaderDir))
    .filter((file) => file.endsWith('.wgsl'))
    .map((file) => file.slice(0, -'.wgsl'.length));

describe('shader library (// use: lib/NAME)', () => {
  const files: Record<string, string> = {
    kernel: '// a kernel\n// use: lib/reduce\n// use: lib/grid\nfn main() {}',
    'lib/reduce': '// use: lib/grid\nfn reduce() {}',
    'lib/grid': 'fn grid() {}',
    broken: '// use: lib/missing\nfn main() {}',
    outside: '// use: softmax\nfn main() {}',
  };
  const load = shaderLoader((name) => files[name]);

  it('appends each used library once, after the shader, a library before its user', () => {
    const text = load('kernel');
    expect(text.startsWith(files.kernel!)).toBe(true);
    expect(text.match(/fn grid\(\)/g)).toHaveLength(1);
    expect(text.indexOf('fn grid()')).toBeLessThan(text.indexOf('fn reduce()'));
  });

  it('names the shader and the missing file', () => {
    expect(() => load('broken')).toThrow(
      "Shader 'broken' uses 'lib/missing', but there is no shaders/lib/missing.wgsl",
    );
    expect(() => load('nothing')).toThrow("No shader named 'nothing'");
  });

  it('uses only files of shaders/lib/', () => {
    expect(() => load('outside')).toThrow(/only shaders\/lib\/NAME files/);
  });

  it('resolves every shader in shaders/', () => {
    for (const name of wgslNames('.')) expect(() => shaderSource(name)).not.toThrow();
  });

  it('gives the browser build (Vite inlining) the same text as Node', () => {
    for (const name of wgslNames('.')) expect(bundledShaderSource(name)).toBe(shaderSource(name));
  });

  it('keeps bindings and entry points out of the libraries', () => {
    for (const name of wgslNames('lib/')) {
      expect(readFileSync(new URL(`lib/${name}.wgsl`, shaderDir), 'utf8')).not.toMatch(/@binding|@group|@compute/);
    }
  });
});
