// What a link of an earlier version meant, where a default has changed since. Version 1 links were
// made before the audit of issue 15 changed two heads' defaults toward the reference code: PLIF's
// slopes were trained by Adam (now SGD at 0.02) and syn-margin differentiated through its synthetic
// negative (now detached). Such a link keeps the behaviour it was made with, written out, so the
// experiment it reopens is the one that was shared; a re-shared link then carries it explicitly.
// MoS (latent bias) and the LSTM backbone (global attention) changed with no switch back: those
// links open today's versions, with a warning.
import type { HeadSpec } from '../../heads';

/** The head as a version-1 link meant it; the same object when nothing changed. */
export function headAsOfVersion1(head: HeadSpec): HeadSpec {
  if (head.kind === 'plif' && head.slopeOptimizer === undefined) return { ...head, slopeOptimizer: 'adam' };
  if (
    (head.kind === 'syn-margin-projection' || head.kind === 'syn-margin-difference') &&
    head.detachNegative === undefined
  )
    return { ...head, detachNegative: false };
  return head;
}

/** The warning for a version-0/1 link whose runs are these; undefined when nothing it meant has changed. */
export function version1Warning(
  version: number,
  runs: readonly { head: HeadSpec; backbone: string }[],
  kept: readonly HeadSpec[],
): string | undefined {
  const lines: string[] = [];
  if (kept.some((h) => h.kind === 'plif'))
    lines.push(
      'its PLIF slopes are trained by Adam as they were then (slopeOptimizer "adam"; the default is now SGD at 0.02, as in the reference code)',
    );
  if (kept.some((h) => h.kind.startsWith('syn-margin')))
    lines.push(
      'its syn-margin negative is differentiated through as it was then (detachNegative false; now detached by default)',
    );
  const changed: string[] = [];
  if (runs.some((r) => r.head.kind === 'mos')) changed.push('MoS heads gained the reference code’s latent bias');
  if (runs.some((r) => r.backbone === 'lstm'))
    changed.push('the LSTM backbone now attends as OpenNMT-py does (global attention)');
  if (changed.length) lines.push(`${changed.join(' and ')} since, so its results may differ from the shared ones`);
  if (lines.length === 0) return undefined;
  return `This link was made by an earlier version of Continuum (v=${version}): ${lines.join('; ')}. See docs/fidelity.md.`;
}
