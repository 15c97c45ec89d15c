// Node only (CLI, tests): kernel choices in one JSON file, by default
// $XDG_CACHE_HOME/continuum/kernels.json (~/.cache/… without XDG_CACHE_HOME), or wherever the
// environment variable CONTINUUM_KERNEL_CACHE points.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { KernelChoiceStore } from './kernelChoices';

export function defaultKernelCachePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONTINUUM_KERNEL_CACHE) return env.CONTINUUM_KERNEL_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'continuum', 'kernels.json');
}

/** A missing, unreadable or corrupt file reads as empty (the choice is timed again and the file rewritten). */
function readEntries(path: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function fileKernelChoices(path = defaultKernelCachePath()): KernelChoiceStore {
  return {
    get: (key) => readEntries(path)[key],
    set(key, value) {
      const entries = { ...readEntries(path), [key]: value };
      try {
        mkdirSync(dirname(path), { recursive: true });
        // Write then rename, so a concurrent reader never sees half a file.
        const partial = `${path}.${process.pid}.tmp`;
        writeFileSync(partial, `${JSON.stringify(entries, null, 2)}\n`);
        renameSync(partial, path);
      } catch (error) {
        console.warn(
          `continuum: could not write the kernel cache ${path} (${error instanceof Error ? error.message : String(error)}); set CONTINUUM_KERNEL_CACHE to a writable file`,
        );
      }
    },
  };
}
