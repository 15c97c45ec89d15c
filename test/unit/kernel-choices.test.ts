// The Node store behind the per-adapter kernel choices: one JSON file (the page's IndexedDB store is covered by the
// browser tests).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultKernelCachePath, fileKernelChoices } from '../../src/tensor/nodeKernelChoices';

describe('fileKernelChoices', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'continuum-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file and its folders, and keeps every key', () => {
    const path = join(dir, 'nested', 'kernels.json');
    const store = fileKernelChoices(path);
    expect(store.get('gpu-a')).toBeUndefined();
    store.set('gpu-a', { variant: 'register' });
    store.set('gpu-b', { variant: 'tiled' });
    expect(fileKernelChoices(path).get('gpu-a')).toEqual({ variant: 'register' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      'gpu-a': { variant: 'register' },
      'gpu-b': { variant: 'tiled' },
    });
  });

  it.each(['{"cut off', '[1, 2]', 'null', ''])(
    'reads a corrupt file (%j) as empty and replaces it on the next write',
    (text) => {
      const path = join(dir, 'kernels.json');
      writeFileSync(path, text);
      const store = fileKernelChoices(path);
      expect(store.get('gpu-a')).toBeUndefined();
      store.set('gpu-a', 1);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ 'gpu-a': 1 });
    },
  );

  it('warns instead of throwing when the file cannot be written', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const blocker = join(dir, 'a-file');
      writeFileSync(blocker, '');
      fileKernelChoices(join(blocker, 'kernels.json')).set('gpu-a', 1); // a folder inside a file
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/could not write the kernel cache .*CONTINUUM_KERNEL_CACHE/),
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('lives at CONTINUUM_KERNEL_CACHE, else under XDG_CACHE_HOME, else under ~/.cache', () => {
    expect(defaultKernelCachePath({ CONTINUUM_KERNEL_CACHE: '/x/k.json', XDG_CACHE_HOME: '/c' })).toBe('/x/k.json');
    expect(defaultKernelCachePath({ XDG_CACHE_HOME: '/c' })).toBe('/c/continuum/kernels.json');
    expect(defaultKernelCachePath({})).toMatch(/\.cache\/continuum\/kernels\.json$/);
  });
});
