// Where per-adapter kernel choices persist between runs (tuning.ts times the candidates once per
// adapter). The engine code sees only this interface; Node provides a JSON file
// (nodeKernelChoices.ts), the page IndexedDB (app/kernelChoiceStore.ts), which its workers share.

/** A key–value store of JSON values. Readers validate what they get: it may be stale or hand-edited. */
export interface KernelChoiceStore {
  get(key: string): unknown | Promise<unknown>;
  set(key: string, value: unknown): void | Promise<void>;
}
