// Links to the synthetic softmax-bottleneck experiment: `?v=2&preset=bottleneck-synthetic` plus the
// settings that differ from the defaults (JSON values, e.g. dims=[2,8,32]) and the seed, always. As
// for experiment links, decoding never throws: a bad parameter becomes a plain-text warning and its
// setting keeps the default.
import { bottleneckSchema, parseBottleneckConfig, type BottleneckConfig } from '../../experiments/bottleneck';
import { formatIssues } from '../../experiments/configIssues';
import { show } from '../../ranges';
import { headAsOfVersion1, version1Warning } from './linkVersions';
import { capWarnings, decodeValue, deepEqual, encodeValue, readLink, reserved, schemaVersion } from './url';

export const bottleneckPreset = 'bottleneck-synthetic';

export interface BottleneckLink {
  config: BottleneckConfig;
  autostart: boolean;
}

export const defaultBottleneckConfig: BottleneckConfig = parseBottleneckConfig({});
const settingKeys = Object.keys(bottleneckSchema.shape) as Array<keyof BottleneckConfig>;

export function encodeBottleneck({ config, autostart }: BottleneckLink): string {
  const params = new URLSearchParams({
    [reserved.version]: String(schemaVersion),
    [reserved.preset]: bottleneckPreset,
  });
  for (const key of settingKeys) {
    // The seed always travels, so the link reproduces its sweep even if the default changes.
    if (key === 'seed' || !deepEqual(config[key], defaultBottleneckConfig[key]))
      params.append(key, encodeValue(config[key]));
  }
  if (autostart) params.append(reserved.autostart, '1');
  return `?${params.toString()}`;
}

/** Reads a bottleneck link (the caller checked its preset); never throws. */
export function decodeBottleneck(search: string): { link: BottleneckLink; warnings: string[] } {
  const warnings: string[] = [];
  const warn = (text: string) => void warnings.push(text);
  const link = readLink(search, warn);
  if (link.runs !== undefined)
    warn('Ignored runs: the synthetic bottleneck experiment chooses its heads with "heads".');
  // The settings are independent of one another, so each is accepted or refused on its own.
  let accepted: Record<string, unknown> = {};
  for (const [key, raw] of link.settings) {
    if (!(settingKeys as string[]).includes(key)) {
      warn(`Ignored unknown parameter ${show(key)} (the bottleneck experiment reads ${settingKeys.join(', ')}).`);
      continue;
    }
    const candidate = { ...accepted, [key]: decodeValue(raw) };
    const result = bottleneckSchema.safeParse(candidate, { reportInput: true });
    if (result.success) accepted = candidate;
    else
      warn(
        `Ignored ${key}=${show(raw)}: ${formatIssues(result.error).join('; ')}. Using the default ${show(defaultBottleneckConfig[key as keyof BottleneckConfig])}.`,
      );
  }
  const config = parseBottleneckConfig(accepted);
  if (link.version < 2) {
    // What a version-1 link meant (linkVersions.ts): its heads, defaults included, as they were then.
    const heads = config.heads.map(headAsOfVersion1);
    const warning = version1Warning(
      link.version,
      config.heads.map((head) => ({ head, backbone: 'none' })),
      heads.filter((h, i) => h !== config.heads[i]),
    );
    if (warning) warn(warning);
    config.heads = heads;
  }
  return { link: { config, autostart: link.autostart }, warnings: capWarnings(warnings) };
}
