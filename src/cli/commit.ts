// Which code a command ran: stamped into the results suite's records and exported weights.
import { execFileSync } from 'node:child_process';

/** The current commit, marked "+changes" when the working tree differs from it. */
export function currentCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha}+changes` : sha;
  } catch {
    return 'unknown';
  }
}
