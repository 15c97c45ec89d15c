// Where per-adapter kernel choices persist between runs (matmulVariants.ts times the candidates once
// per adapter). The engine code sees only this interface; Node provides a JSON file
// (nodeKernelChoices.ts), the browser localStorage (below).

/** A key–value store of JSON values. Readers validate what they get: it may be stale or hand-edited. */
export interface KernelChoiceStore {
  get(key: string): unknown | Promise<unknown>;
  set(key: string, value: unknown): void | Promise<void>;
}

/** The page's store: one localStorage entry per key. Unavailable or full storage only costs a re-timing. */
export function localStorageKernelChoices(storage: Pick<Storage, 'getItem' | 'setItem'> = globalThis.localStorage, prefix = 'continuum.kernels:'): KernelChoiceStore {
  return {
    get(key) {
      try {
        const text = storage.getItem(prefix + key);
        return text === null ? undefined : JSON.parse(text);
      } catch {
        return undefined;
      }
    },
    set(key, value) {
      try {
        storage.setItem(prefix + key, JSON.stringify(value));
      } catch {
        // Quota exceeded or storage disabled: the next page load times again.
      }
    },
  };
}
