// What the user is setting up: a preset, the shared configuration after their edits, and one set of
// overrides per run (usually the head). Every edit goes through the config schema; a rejected value
// leaves the configuration unchanged and its message sits beside the control.
import { create } from 'zustand';
import { shippedDatasets, type DatasetCatalog, type ExperimentConfig } from '../../experiments/config';
import { ConfigError } from '../../experiments/configIssues';
import { applyOverrides } from '../../experiments/overrides';
import { defaultPresetName, presets, resolvePreset, runsOf } from '../../experiments/presets';
import { decodeExperiment } from '../share/url';
import { useUploadsStore } from './uploads';

export interface ExperimentSetup {
  preset: string;
  base: ExperimentConfig;
  variants: Record<string, unknown>[];
  /** Start training as soon as a shared link opens. */
  autostart: boolean;
}

interface ExperimentState extends ExperimentSetup {
  /** Rejected edits by dotted path (or 'runs'), with the schema's message. */
  errors: Record<string, string>;
  /** Problems found while opening a link; shown until dismissed. */
  warnings: string[];
  loadPreset(name: string): void;
  setSetting(path: string, value: unknown): void;
  /** Several settings that must change together; a rejection is reported under `key`. */
  setSettings(key: string, overrides: Record<string, unknown>): void;
  setVariants(variants: Record<string, unknown>[]): void;
  setAutostart(autostart: boolean): void;
  replace(setup: ExperimentSetup, warnings?: string[]): void;
  /**
   * Shows the experiment a link describes — a fresh one or a saved entry's, whose settings may no
   * longer validate — with every problem found decoding it, and returns the decoded setup. "Start
   * on open" comes back in it but is not kept: a reload must not train again.
   */
  openLink(url: string): ExperimentSetup;
  /** One more problem to show beside the link's own (e.g. shared results that could not be read). */
  warn(message: string): void;
  dismissWarnings(): void;
}

export function presetSetup(name: string): ExperimentSetup {
  const { base } = resolvePreset(name);
  return { preset: name, base, variants: presets[name]!.variants.map((v) => ({ ...v })), autostart: false };
}

function messageOf(error: unknown): string {
  if (error instanceof ConfigError) return error.errors.join('; ');
  return error instanceof Error ? error.message : String(error);
}

/** The runs of a setup, or the first problem with them; `datasets` includes the page's uploads. */
export function setupRuns(
  setup: Pick<ExperimentSetup, 'base' | 'variants'>,
  datasets: DatasetCatalog = shippedDatasets,
): { runs: ReturnType<typeof runsOf> } | { error: string } {
  try {
    return { runs: runsOf(setup.base, setup.variants, datasets) };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

export const useExperimentStore = create<ExperimentState>()((set, get) => ({
  ...presetSetup(defaultPresetName),
  errors: {},
  warnings: [],

  loadPreset(name) {
    set({ ...presetSetup(name), autostart: get().autostart, errors: {} });
  },

  setSetting(path, value) {
    get().setSettings(path, { [path]: value });
  },

  setSettings(key, overrides) {
    const rest = Object.fromEntries(Object.entries(get().errors).filter(([path]) => path !== key));
    try {
      set({ base: applyOverrides(get().base, overrides, useUploadsStore.getState().catalog), errors: rest });
    } catch (error) {
      set({ errors: { ...rest, [key]: messageOf(error) } });
    }
  },

  setVariants(variants) {
    const check = setupRuns({ base: get().base, variants }, useUploadsStore.getState().catalog);
    const rest = Object.fromEntries(Object.entries(get().errors).filter(([key]) => key !== 'runs'));
    if ('error' in check) set({ errors: { ...rest, runs: check.error } });
    else set({ variants, errors: rest });
  },

  setAutostart(autostart) {
    set({ autostart });
  },

  replace(setup, warnings = []) {
    set({ ...setup, errors: {}, warnings });
  },

  openLink(url) {
    const { state, warnings } = decodeExperiment(url.includes('?') ? url.slice(url.indexOf('?')) : url);
    get().replace({ ...state, autostart: false }, warnings);
    return state;
  },

  warn(message) {
    set((s) => ({ warnings: [...s.warnings, message] }));
  },

  dismissWarnings() {
    set({ warnings: [] });
  },
}));
