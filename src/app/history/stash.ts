// The last moment of a page that goes away mid-training (a reload, a closed tab). IndexedDB writes
// started in `pagehide` are aborted with the page, so the experiment on screen goes to
// localStorage, which writes synchronously, and the next page of this origin moves it into
// IndexedDB. When it does not fit (localStorage holds about 5 MB per site), the periodic save is
// what remains.
import { parseRunFile, toJson } from '../../train/record';
import { loadExperiment, saveExperiment, type SavedExperiment } from './db';

const prefix = 'continuum-unsaved:';

/** The entry with its comparison as toJson text, which keeps NaN and ±Infinity. */
type Stash = Omit<SavedExperiment, 'comparison'> & { comparison: string };

export function stashExperiment({ comparison, ...entry }: SavedExperiment): void {
  const stash: Stash = { ...entry, comparison: toJson(comparison) };
  try {
    localStorage.setItem(prefix + entry.id, JSON.stringify(stash));
  } catch {
    // Too big, or storage disabled: the periodic save stands.
  }
}

/** Moves every stashed entry into IndexedDB, unless the entry saved there is as new. */
export async function recoverStashedExperiments(): Promise<void> {
  const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)).filter(
    (key): key is string => key?.startsWith(prefix) ?? false,
  );
  for (const key of keys) {
    const stash = readStash(localStorage.getItem(key));
    const parsed = stash && parseRunFile(stash.comparison);
    if (stash && parsed?.ok) {
      const saved = await loadExperiment(stash.id);
      if (!saved || saved.savedAt < stash.savedAt) await saveExperiment({ ...stash, comparison: parsed.value });
    }
    localStorage.removeItem(key);
  }
}

function readStash(text: string | null): Stash | undefined {
  try {
    const value = JSON.parse(text ?? '') as Partial<Stash>;
    const complete = ['id', 'savedAt', 'title', 'url', 'comparison'].every(
      (field) => typeof value[field as keyof Stash] === 'string',
    );
    return complete ? (value as Stash) : undefined;
  } catch {
    return undefined;
  }
}
