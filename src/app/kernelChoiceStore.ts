// The page's kernel choices: one IndexedDB object store that the main thread (self-test) and the
// training workers (which have no localStorage) share, so an adapter is timed once per browser
// profile. Storage that is unavailable (a private window, a blocked database) only costs a re-timing.
import { openDB, type IDBPDatabase } from 'idb';
import type { KernelChoiceStore } from '../tensor/kernelChoices';

const storeName = 'choices';

export function indexedDbKernelChoices(database = 'continuum-kernels'): KernelChoiceStore {
  let opened: Promise<IDBPDatabase> | undefined;
  const open = () => (opened ??= openDB(database, 1, { upgrade: (db) => void db.createObjectStore(storeName) }));
  return {
    async get(key) {
      try {
        return (await (await open()).get(storeName, key)) as unknown;
      } catch {
        return undefined;
      }
    },
    async set(key, value) {
      try {
        await (await open()).put(storeName, value, key);
      } catch {
        // Quota exceeded or storage disabled: the next start times again.
      }
    },
  };
}
