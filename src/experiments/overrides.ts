// Dotted-path settings (`train.steps=500`, `head={"kind":"vmf",…}`) for the CLI, the URL and presets,
// and the automatic run labels that say how a run differs from its comparison's base.
import { headSpecLabel } from '../heads/index';
import { parseConfig, shippedDatasets, type DatasetCatalog, type DeepPartial, type ExperimentConfig } from './config';
import { show } from '../ranges';
import { ConfigError } from './configIssues';

type Settings = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Settings =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const pathPattern = /^[A-Za-z][\w-]*(\.[A-Za-z][\w-]*)*$/;

/** `path=value`; the value is JSON when it parses as JSON, otherwise the raw text (so `dataset=sotu` works). */
export function parseAssignment(text: string): { path: string; value: unknown } {
  const at = text.indexOf('=');
  const path = text.slice(0, Math.max(at, 0)).trim();
  if (at < 0 || !pathPattern.test(path)) {
    throw new Error(`Expected a setting as path=value (e.g. train.steps=500), got ${show(text)}`);
  }
  const raw = text.slice(at + 1);
  try {
    return { path, value: JSON.parse(raw) };
  } catch {
    return { path, value: raw };
  }
}

/** Several assignments as one overrides object; a later assignment to the same path wins. */
export function parseAssignments(texts: readonly string[]): Settings {
  return Object.fromEntries(
    texts.map((text) => {
      const { path, value } = parseAssignment(text);
      return [path, value];
    }),
  );
}

/**
 * Layers `patch` over `base`. Objects merge key by key, except that an object whose `kind` differs
 * (a head, a regularizer) replaces the old one whole: merging a vMF head into a softmax one would
 * only produce fields that belong to neither.
 */
function mergeSettings<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(patch) || ('kind' in patch && patch.kind !== base.kind)) {
    return structuredClone(patch) as T;
  }
  const merged: Settings = { ...base };
  for (const [key, value] of Object.entries(patch)) merged[key] = mergeSettings(merged[key], value);
  return merged as T;
}

function validated(candidate: unknown, datasets: DatasetCatalog): ExperimentConfig {
  const result = parseConfig(candidate, datasets);
  if ('errors' in result) throw new ConfigError(result.errors);
  return result.config;
}

/** A partial config layered over `config`, validated; throws a ConfigError naming every bad field. */
export function mergeConfig(
  config: ExperimentConfig,
  partial: DeepPartial<ExperimentConfig>,
  datasets: DatasetCatalog = shippedDatasets,
): ExperimentConfig {
  return validated(mergeSettings(config, partial), datasets);
}

/**
 * Dotted overrides applied to `config`, validated; unknown paths and bad values throw a ConfigError listing them all.
 */
export function applyOverrides(
  config: ExperimentConfig,
  overrides: Settings,
  datasets: DatasetCatalog = shippedDatasets,
): ExperimentConfig {
  const patch: Settings = {};
  for (const [path, value] of Object.entries(overrides)) {
    const keys = path.split('.');
    let node = patch;
    keys.slice(0, -1).forEach((key, i) => {
      const next = node[key] ?? (node[key] = {});
      if (!isPlainObject(next))
        throw new ConfigError([
          `${path} cannot be set: ${keys.slice(0, i + 1).join('.')} is also set to ${show(next)}`,
        ]);
      node = next;
    });
    node[keys.at(-1)!] = value;
  }
  return validated(mergeSettings(config, patch), datasets);
}

/** Leaves as dotted paths; an object with a different `kind` counts as one setting (see mergeSettings). */
function collectDifferences(a: unknown, b: unknown, path: string, out: Settings): void {
  const sameShape = isPlainObject(a) && isPlainObject(b) && a.kind === b.kind;
  if (!sameShape) {
    if (!Object.is(a, b)) out[path] = b;
    return;
  }
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    collectDifferences(a[key], b[key], path ? `${path}.${key}` : key, out);
  }
}

/** The dotted paths whose values differ, each with `other`'s value. */
export function differingSettings(base: ExperimentConfig, other: ExperimentConfig): Settings {
  const out: Settings = {};
  collectDifferences(base, other, '', out);
  return out;
}

export const headLabel = headSpecLabel;

function valueAt(config: ExperimentConfig, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), config);
}

/**
 * How `config` differs from `base`, e.g. "head: NLLvMF reg1+reg2 λ1=0.02 λ2=0.1, train.learningRate: 0.001".
 * `also` names paths to describe even where they equal the base, so that every run of a comparison
 * mentions each setting the comparison varies (the softmax baseline reads "head: softmax").
 */
export function runLabel(base: ExperimentConfig, config: ExperimentConfig, also: Iterable<string> = []): string {
  const paths = new Set([...Object.keys(differingSettings(base, config)), ...also]);
  const head = [...paths].some((p) => p === 'head' || p.startsWith('head.')) ? [`head: ${headLabel(config.head)}`] : [];
  const rest = [...paths]
    .filter((p) => p !== 'head' && !p.startsWith('head.'))
    .map((p) => {
      const value = valueAt(config, p);
      return `${p}: ${typeof value === 'string' ? value : show(value)}`;
    });
  return [...head, ...rest].join(', ') || 'baseline';
}
