// The stores behind the per-adapter kernel choice: a JSON file in Node, localStorage in the page.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { localStorageKernelChoices } from '../../src/tensor/kernelChoices';
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
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ 'gpu-a': { variant: 'register' }, 'gpu-b': { variant: 'tiled' } });
  });

  it.each(['{"cut off', '[1, 2]', 'null', ''])('reads a corrupt file (%j) as empty and replaces it on the next write', (text) => {
    const path = join(dir, 'kernels.json');
    writeFileSync(path, text);
    const store = fileKernelChoices(path);
    expect(store.get('gpu-a')).toBeUndefined();
    store.set('gpu-a', 1);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ 'gpu-a': 1 });
  });

  it('warns instead of throwing when the file cannot be written', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const blocker = join(dir, 'a-file');
      writeFileSync(blocker, '');
      fileKernelChoices(join(blocker, 'kernels.json')).set('gpu-a', 1); // a folder inside a file
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/could not write the kernel cache .*CONTINUUM_KERNEL_CACHE/));
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

describe('localStorageKernelChoices', () => {
  const memoryStorage = () => {
    const items = new Map<string, string>();
    return { items, getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
  };

  it('keeps one JSON entry per key under its prefix', () => {
    const storage = memoryStorage();
    const store = localStorageKernelChoices(storage);
    expect(store.get('gpu-a')).toBeUndefined();
    store.set('gpu-a', { variant: 'register', timings: { register: 1.5 } });
    expect(store.get('gpu-a')).toEqual({ variant: 'register', timings: { register: 1.5 } });
    expect([...storage.items.keys()]).toEqual(['continuum.kernels:gpu-a']);
  });

  it('reads a corrupt entry as missing, and survives storage that refuses writes', () => {
    const storage = memoryStorage();
    storage.items.set('continuum.kernels:gpu-a', '{"cut off');
    expect(localStorageKernelChoices(storage).get('gpu-a')).toBeUndefined();
    const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(() => localStorageKernelChoices(full).set('gpu-a', 1)).not.toThrow();
  });
});
