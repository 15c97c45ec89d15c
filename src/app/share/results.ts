// "Share results": a finished comparison's figures in the URL fragment, so a link opens on the
// answer at once, read-only, beside the settings (the query) that can re-run it. The fragment never
// reaches a server. It holds each run's record without decoded samples, κ samples or the embedding
// map, curves downsampled to at most 200 points, as deflated JSON in base64url; it is read back
// through the same validation as an imported run file, with limits before and after inflating.
import { deflateSync, Inflate, strFromU8, strToU8 } from 'fflate';
import { parseRunFile, toJson, type ComparisonRecord, type RunRecord } from '../../train/record';
import { shareableRun } from '../../train/shareable';

const resultsKey = 'results';
/** A longer fragment is refused unread (browsers keep addresses of a few megabytes at most). */
export const maxFragmentChars = 256 * 1024;
/** Inflated, the JSON may not pass this: a small fragment must not expand into gigabytes. */
const maxResultsBytes = 4 * 1024 * 1024;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('characters outside base64url');
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function inflateWithin(bytes: Uint8Array, limit: number): string {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > limit) throw new Error(`more than ${limit.toLocaleString('en-US')} bytes once inflated`);
    chunks.push(chunk);
  });
  inflater.push(bytes, true);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return strFromU8(out);
}

/** The fragment (without '#') that carries these runs' results. */
export function encodeResults(runs: readonly RunRecord[]): string {
  const record: ComparisonRecord = { format: 'continuum-comparison', formatVersion: 1, runs: runs.map(shareableRun) };
  return `${resultsKey}=${toBase64Url(deflateSync(strToU8(toJson(record)), { level: 9 }))}`;
}

/**
 * The runs of a results fragment; a warning naming the problem when it cannot be read; null when the fragment has none.
 */
export function decodeResults(hash: string): { runs: RunRecord[] } | { warning: string } | null {
  const encoded = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash).get(resultsKey);
  if (encoded === null) return null;
  const fail = (why: string) => ({
    warning: `The shared results in this link could not be opened (${why}); showing the experiment's settings instead.`,
  });
  if (encoded.length > maxFragmentChars)
    return fail(
      `${encoded.length.toLocaleString('en-US')} characters, more than ${maxFragmentChars.toLocaleString('en-US')}`,
    );
  let text: string;
  try {
    text = inflateWithin(fromBase64Url(encoded), maxResultsBytes);
  } catch (error) {
    return fail(`damaged: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = parseRunFile(text);
  if (!parsed.ok) return fail(parsed.error);
  if (parsed.value.runs.length === 0) return fail('it holds no runs');
  return { runs: parsed.value.runs };
}
