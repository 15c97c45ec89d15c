// docs/results.md from the suite's records: placeholder until the report is written.
import type { Part, Scale } from './suite';

export async function writeReport(_options: { out: string; scale: Scale; parts: Part[] }): Promise<string[]> {
  return [];
}
