// Exports and imports of run files. The JSON is the CLI's format (toJson / parseRunFile), so a run
// trained headless in Node opens in the page and a page's run feeds the same scripts.
import { evalsCsv, metricsCsv, parseRunFile, toJson, type ComparisonRecord } from '../../train/record';

/**
 * Run files are metrics and a few decoded samples; anything this large is not one, and reading it would stall the tab.
 */
export const maxImportBytes = 50 * 1024 * 1024;

function downloadText(filename: string, text: string, mime: string): void {
  download(filename, new Blob([text], { type: `${mime};charset=utf-8` }));
}

function download(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  // Revoking at once can cancel the download in some browsers; a minute is ample for it to start.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A finished run's weights (src/train/weights.ts) as "continuum-head-softmax.safetensors". */
export function exportWeights(label: string, bytes: Uint8Array<ArrayBuffer>): void {
  const name =
    label
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'run';
  download(`continuum-${name}.safetensors`, new Blob([bytes], { type: 'application/octet-stream' }));
}

/** "continuum-tiny-demo-2025-01-31T12-00-00", safe on every file system. */
export function exportBaseName(comparison: ComparisonRecord): string {
  const started = comparison.runs[0]?.startedAt ?? new Date().toISOString();
  const subject = (comparison.preset ?? comparison.runs[0]?.config.dataset ?? 'experiment')
    .replace(/[^\w.-]+/g, '-')
    .slice(0, 60);
  return `continuum-${subject}-${started.slice(0, 19).replaceAll(':', '-')}`;
}

export function exportJson(comparison: ComparisonRecord): void {
  downloadText(`${exportBaseName(comparison)}.json`, toJson(comparison), 'application/json');
}

/** Two files, because metrics (per logged step) and evaluations (per eval) have different rows. */
export function exportCsv(comparison: ComparisonRecord): void {
  const name = exportBaseName(comparison);
  downloadText(`${name}-metrics.csv`, metricsCsv(comparison), 'text/csv');
  downloadText(`${name}-evals.csv`, evalsCsv(comparison), 'text/csv');
}

export type ImportResult = { ok: true; comparison: ComparisonRecord } | { ok: false; error: string };

/** Reads a run file chosen by the user; never throws, and every error names the file. */
export async function importRunFile(file: Pick<File, 'name' | 'size' | 'text'>): Promise<ImportResult> {
  if (file.size > maxImportBytes) {
    return {
      ok: false,
      error: `${file.name}: ${(file.size / 1024 / 1024).toFixed(1)} MB is larger than a run file can be (at most 50 MB).`,
    };
  }
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    return { ok: false, error: `${file.name}: could not be read (${(error as Error).message}).` };
  }
  const parsed = parseRunFile(text);
  return parsed.ok ? { ok: true, comparison: parsed.value } : { ok: false, error: `${file.name}: ${parsed.error}` };
}
