// The experiment ↔ URL codec. As in Sequence Toy, a link holds the schema version, the preset and only
// the settings that differ from it (plus both seeds, always, so a link reproduces its runs even after a
// preset's defaults change); keys are the config's own dotted paths and enum values travel as their
// readable names, so `?v=2&preset=tiny-demo&model.backbone=lstm&train.steps=500` reads as what it does.
// The config schema stays the one property list: decoding lays the parameters over the preset and
// lets parseConfig judge them. A link comes from anyone, so decoding never throws: each bad parameter
// becomes a plain-text warning (never markup) and its setting keeps the preset's value.
import {
  defaultConfig,
  parseConfig,
  shippedDatasets,
  type DatasetCatalog,
  type ExperimentConfig,
} from '../../experiments/config';
import { ConfigError, issueLine, type ConfigIssue } from '../../experiments/configIssues';
import { show } from '../../ranges';
import { applyOverrides, differingSettings } from '../../experiments/overrides';
import { defaultPresetName, presets, resolvePreset } from '../../experiments/presets';
import type { HeadSpec } from '../../heads';
import { headAsOfVersion1, version1Warning } from './linkVersions';

export interface ExperimentState {
  preset: string;
  /** The shared configuration: the preset's base after the user's edits. */
  base: ExperimentConfig;
  /** Dotted overrides, one per run, layered over `base` (typically `{ head: HeadSpec }`). */
  variants: Array<Record<string, unknown>>;
  /** Start training as soon as the link opens. */
  autostart: boolean;
}

/** 2 since PLIF's and syn-margin's defaults changed (linkVersions.ts reads version 1 as it was meant). */
export const schemaVersion = 2;
/** Bounds the work a crafted link can ask for; far above any comparison worth plotting. */
export const maxRuns = 16;
const maxWarnings = 20;
const seedPaths = ['train.dataSeed', 'train.initSeed'];
/** Parameters of the link itself; every other key is a config path. */
export const reserved = { version: 'v', preset: 'preset', runs: 'runs', autostart: 'run' } as const;

type Settings = Record<string, unknown>;
const isPlainObject = (value: unknown): value is Settings =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Version 0 links (the example legacy format) used short names; `seed` set both seeds at once.
 * migrate() rewrites them, so the rest of the decoder only knows the current format.
 */
const v0Names: Record<string, string[]> = {
  steps: ['train.steps'],
  lr: ['train.learningRate'],
  batch: ['train.batchSentences'],
  backbone: ['model.backbone'],
  seed: seedPaths,
  autostart: [reserved.autostart],
};

export function migrate(version: number, params: Array<[string, string]>): Array<[string, string]> {
  if (version !== 0) return params;
  return params.flatMap(([key, value]) =>
    (Object.hasOwn(v0Names, key) ? v0Names[key]! : [key]).map((name): [string, string] => [name, value]),
  );
}

// ---- values ----------------------------------------------------------------------------------

/** JSON.parse that refuses `__proto__` keys: mergeSettings would turn one into a prototype change. */
function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return {
      value: JSON.parse(text, (key, value: unknown) => {
        if (key === '__proto__') throw new Error('a "__proto__" key is not allowed');
        return value;
      }),
    };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Strings go raw (`dataset=sotu`) unless the raw text would read back as JSON (`"true"`, `"12"`). */
export function encodeValue(value: unknown): string {
  if (typeof value === 'string') return 'value' in parseJson(value) ? JSON.stringify(value) : value;
  if (Object.is(value, -0)) return '-0'; // JSON.stringify writes "0"
  return JSON.stringify(value);
}

export function decodeValue(raw: string): unknown {
  const parsed = parseJson(raw);
  return 'value' in parsed ? parsed.value : raw;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (!isPlainObject(a) || !isPlainObject(b)) return Object.is(a, b);
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

const parentPath = (path: string) => path.slice(0, Math.max(path.lastIndexOf('.'), 0));
const within = (path: string, ancestor: string) => path === ancestor || path.startsWith(`${ancestor}.`);

function valueAt(config: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (isPlainObject(node) && Object.hasOwn(node, key) ? node[key] : undefined), config);
}

/** Presets never change at run time, and resolving one validates every run: worth doing once. */
const presetBases = new Map<string, ExperimentConfig>();
function presetBase(name: string): ExperimentConfig {
  let base = presetBases.get(name);
  if (!base) presetBases.set(name, (base = resolvePreset(name).base));
  return base;
}

// ---- encoding --------------------------------------------------------------------------------

export function encodeExperiment(state: ExperimentState): string {
  const changed = Object.keys(differingSettings(presetBase(state.preset), state.base)).filter(
    (path) => !seedPaths.includes(path),
  );
  // A parameter replaces its value whole, so a removed optional key (e.g. head.tied) travels as its
  // whole parent object; that parent then stands for any of its children.
  const paths = changed.map((path) => (valueAt(state.base, path) === undefined ? parentPath(path) : path));
  const unique = paths.filter(
    (path, i) => paths.indexOf(path) === i && !paths.some((other) => other !== path && within(path, other)),
  );
  const params = new URLSearchParams({ [reserved.version]: String(schemaVersion), [reserved.preset]: state.preset });
  for (const path of [...unique, ...seedPaths]) params.append(path, encodeValue(valueAt(state.base, path)));
  if (!deepEqual(state.variants, presets[state.preset]!.variants))
    params.append(reserved.runs, JSON.stringify(state.variants));
  if (state.autostart) params.append(reserved.autostart, '1');
  return `?${params.toString()}`;
}

// ---- decoding --------------------------------------------------------------------------------

const topLevelKeys = new Set(Object.keys(defaultConfig));
const forbiddenSegments = new Set(['__proto__', 'prototype', 'constructor']);
const pathPattern = /^[A-Za-z][\w-]*(\.[A-Za-z][\w-]*)*$/;

function isConfigPath(key: string): boolean {
  return (
    pathPattern.test(key) &&
    topLevelKeys.has(key.split('.')[0]!) &&
    !key.split('.').some((s) => forbiddenSegments.has(s))
  );
}

/**
 * Sets `path` in a cloned config, replacing whatever was there (objects included) so that decoding mirrors encoding.
 */
function setPath(config: Settings, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = config;
  for (const key of keys.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    node = isPlainObject(next) ? next : (node[key] = {});
  }
  node[keys.at(-1)!] = value;
}

interface Setting {
  path: string;
  value: unknown;
  raw: string;
}

/**
 * The preset's base with every setting that validates. Each issue blames the settings at its path or
 * at a path it relates to (a parent or child of one counts); those are dropped and the rest tried
 * again. An issue blaming none of them drops them all, which always ends at the (valid) preset base.
 */
function applySettings(
  base: ExperimentConfig,
  settings: Setting[],
  datasets: DatasetCatalog,
  warn: (text: string) => void,
): ExperimentConfig {
  let active = settings;
  for (;;) {
    // Only a dataset catalogue lacking the preset's own dataset gets here with nothing left to drop.
    if (active.length === 0) return structuredClone(base);
    const candidate = structuredClone(base) as unknown as Settings;
    for (const { path, value } of active) setPath(candidate, path, value);
    const result = parseConfig(candidate, datasets);
    if ('config' in result) return result.config;
    const blames = (issue: ConfigIssue, s: Setting) =>
      [issue.path, ...(issue.related ?? [])].some((path) => within(path, s.path) || within(s.path, path));
    const named = active.filter((s) => result.issues.some((issue) => blames(issue, s)));
    const blamed = named.length > 0 ? named : active;
    for (const s of blamed) {
      const reasons = result.issues.filter((issue) => blames(issue, s)).map(issueLine);
      const kept = valueAt(base, s.path);
      warn(
        `Ignored ${s.path}=${show(s.raw)}: ${(reasons.length ? reasons : result.errors).join('; ')}.${kept === undefined ? '' : ` Using the preset's ${show(kept)}.`}`,
      );
    }
    active = active.filter((s) => !blamed.includes(s));
  }
}

function decodeRuns(
  raw: string | undefined,
  base: ExperimentConfig,
  fallback: Settings[],
  datasets: DatasetCatalog,
  warn: (text: string) => void,
): Settings[] {
  if (raw === undefined) return structuredClone(fallback);
  const parsed = parseJson(raw);
  const bad = (why: string) => {
    warn(`Ignored runs: ${why}. Using the preset's ${fallback.length} runs.`);
    return structuredClone(fallback);
  };
  if ('error' in parsed) return bad(`not valid JSON (${parsed.error})`);
  const list = parsed.value;
  if (!Array.isArray(list) || list.length === 0 || list.length > maxRuns)
    return bad(`must be a JSON array of 1 to ${maxRuns} runs, got ${show(list)}`);
  const problem = (run: unknown): string | undefined => {
    if (!isPlainObject(run)) return `must be an object of dotted settings, got ${show(run)}`;
    const badKey = Object.keys(run).find((key) => !isConfigPath(key));
    if (badKey !== undefined) return `${show(badKey)} is not a known setting`;
    try {
      applyOverrides(base, run, datasets);
    } catch (error) {
      return error instanceof ConfigError ? error.errors.join('; ') : (error as Error).message;
    }
    return undefined;
  };
  const runs = list.filter((run: unknown, i): run is Settings => {
    const why = problem(run);
    if (why !== undefined) warn(`Ignored runs[${i}]: ${why}.`);
    return why === undefined;
  });
  return runs.length > 0 ? runs : bad('no run in it is valid');
}

export interface LinkParams {
  /** The preset named, if any (not checked). */
  preset: string | undefined;
  /** Every other parameter but `v`, `runs` and `run`, the last value of each. */
  settings: Map<string, string>;
  runs: string | undefined;
  autostart: boolean;
  /** The link's format version (the current one when it names none or an unknown one). */
  version: number;
}

/** The parts of a link every kind of experiment shares: version, repeats, preset and start-on-open. */
export function readLink(search: string, warn: (text: string) => void): LinkParams {
  let params = [...new URLSearchParams(search)];
  const last = (key: string) => params.findLast(([k]) => k === key)?.[1];

  const versionText = last(reserved.version);
  const version = versionText === undefined ? schemaVersion : /^\d{1,6}$/.test(versionText) ? Number(versionText) : NaN;
  if (version === 0) {
    warn(
      'This link comes from an older version of Continuum (v=0); its settings were translated to the current names.',
    );
  } else if (version !== schemaVersion && version !== 1) {
    warn(
      `Unknown link version v=${show(versionText)}; reading it as version ${schemaVersion}, so some settings may be ignored.`,
    );
  }
  params = migrate(
    version,
    params.filter(([key]) => key !== reserved.version),
  );

  const counts = new Map<string, number>();
  for (const [key] of params) counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const [key, n] of counts) if (n > 1) warn(`${show(key)} appears ${n} times; using the last.`);

  const run = last(reserved.autostart);
  if (run !== undefined && run !== '1' && run !== '0')
    warn(`Ignored run=${show(run)}: must be 1 (start training when the link opens) or 0.`);
  const settings = new Map(params.filter(([key]) => !Object.values(reserved).includes(key as never)));
  const known = version === 0 || version === 1 || version === schemaVersion;
  return {
    preset: last(reserved.preset),
    settings,
    runs: last(reserved.runs),
    autostart: run === '1',
    version: known ? version : schemaVersion,
  };
}

/** At most `maxWarnings` lines: a crafted link must not fill the page with them. */
export function capWarnings(warnings: string[]): string[] {
  return warnings.length > maxWarnings
    ? [...warnings.slice(0, maxWarnings), `…and ${warnings.length - maxWarnings} more problems with this link.`]
    : warnings;
}

/** The preset a link names, for choosing its decoder. */
export function linkPreset(search: string): string | undefined {
  return readLink(search, () => undefined).preset;
}

/** Reads a link's query string (with or without the leading "?"); never throws. */
export function decodeExperiment(
  search: string,
  datasets: DatasetCatalog = shippedDatasets,
): { state: ExperimentState; warnings: string[] } {
  const warnings: string[] = [];
  const warn = (text: string) => void warnings.push(text);
  const link = readLink(search, warn);

  let preset = link.preset ?? defaultPresetName;
  if (!Object.hasOwn(presets, preset)) {
    warn(
      `Unknown preset ${show(preset)}; opening ${defaultPresetName} instead (available: ${Object.keys(presets).join(', ')}).`,
    );
    preset = defaultPresetName;
  }

  const settings: Setting[] = [];
  for (const [key, raw] of link.settings) {
    if (isConfigPath(key)) settings.push({ path: key, value: decodeValue(raw), raw });
    else warn(`Ignored unknown parameter ${show(key)}.`);
  }
  let base = applySettings(presetBase(preset), settings, datasets, warn);
  let variants = decodeRuns(link.runs, base, presets[preset]!.variants, datasets, warn);
  if (link.version < 2) ({ base, variants } = asOfVersion1(link.version, base, variants, datasets, warn));
  return { state: { preset, base, variants, autostart: link.autostart }, warnings: capWarnings(warnings) };
}

/** A version-0/1 link's runs with the head defaults of their time written out (linkVersions.ts). */
function asOfVersion1(
  version: number,
  base: ExperimentConfig,
  variants: Settings[],
  datasets: DatasetCatalog,
  warn: (text: string) => void,
) {
  const kept: HeadSpec[] = [];
  const keep = (head: HeadSpec) => {
    const then = headAsOfVersion1(head);
    if (then !== head) kept.push(then);
    return then;
  };
  const migratedBase = { ...base, head: keep(base.head) };
  const configs = variants.map((variant) => applyOverrides(migratedBase, variant, datasets));
  const migratedVariants = variants.map((variant, i) => {
    const head = keep(configs[i]!.head);
    if (head === configs[i]!.head) return variant;
    // The run's whole head replaces its head settings, dotted or not.
    const rest = Object.fromEntries(
      Object.entries(variant).filter(([key]) => key !== 'head' && !key.startsWith('head.')),
    );
    return { ...rest, head };
  });
  const warning = version1Warning(
    version,
    configs.map((c) => ({ head: c.head, backbone: c.model.backbone })),
    kept,
  );
  if (warning) warn(warning);
  return { base: migratedBase, variants: migratedVariants };
}
