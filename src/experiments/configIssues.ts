// Problems with a config, as data (a setting's dotted path and what is wrong with it) and as the
// readable lines that the CLI, the app and shared links show. Apart from the schema (config.ts) so
// that every schema in the project words its messages the same way.
import { show } from '../ranges';
import type { z } from '../zod';

/** A config that failed validation; `errors` holds one readable line per problem. */
export class ConfigError extends Error {
  constructor(readonly errors: string[]) {
    super(`Invalid experiment configuration:\n  ${errors.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** One problem with a config, as data: which setting, and what is wrong with it. */
export interface ConfigIssue {
  /** The dotted path of the setting at fault; '' for the value as a whole. */
  path: string;
  /** The rest of the readable line, after the path: "must divide model.dModel (256), got 3". */
  message: string;
  /** Other settings the message names: a rule between fields is as much theirs as `path`'s. */
  related?: string[];
}

/** The issue as one readable line that starts with the setting's path. */
export function issueLine(issue: ConfigIssue): string {
  return `${issue.path || 'the value'} ${issue.message}`;
}

/** `runs[0].config.model.heads` */
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** Values as a message lists them: `"lstm", 4`. */
export const quoteAll = (values: readonly unknown[]) => values.map((v) => show(v)).join(', ');

/**
 * One issue per problem, always naming the field; parse with `reportInput: true` so the bad value shows.
 * Messages the schemas write (config.ts's start with "must") are kept; zod's own are rephrased.
 */
export function configIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap((issue): ConfigIssue[] => {
    const path = formatPath(issue.path);
    const got = 'input' in issue ? `, got ${show(issue.input)}` : '';
    const at = (message: string): ConfigIssue[] => [{ path, message }];
    // config.ts's rules between fields name the other fields in `params.related`.
    const related = issue.code === 'custom' ? ((issue.params?.related ?? []) as string[]) : [];
    if (related.length > 0) return [{ path, message: issue.message, related }];
    if (issue.message.startsWith('must ')) return at(issue.message);
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({ path: path ? `${path}.${key}` : key, message: 'is not a known setting' }));
      case 'invalid_value':
        return at(
          `must be ${issue.values.length === 1 ? show(issue.values[0]) : `one of ${quoteAll(issue.values)}`}${got}`,
        );
      case 'invalid_union': {
        const options = (issue as { options?: unknown[] }).options;
        return at(options ? `must be one of ${quoteAll(options)}${got}` : issue.message);
      }
      case 'invalid_type':
        return at(
          issue.input === undefined
            ? `is missing (expected ${issue.expected})`
            : `must be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}${got}`,
        );
      case 'invalid_format':
        return at(
          `must be ${issue.format === 'datetime' ? 'an ISO 8601 date and time' : `in ${issue.format} format`}${got}`,
        );
      case 'too_small':
      case 'too_big': {
        const [word, bound] = issue.code === 'too_small' ? ['at least', issue.minimum] : ['at most', issue.maximum];
        return at(`must be ${issue.inclusive ? word : word === 'at least' ? 'above' : 'below'} ${bound}${got}`);
      }
      default:
        return at(issue.message);
    }
  });
}

/** One readable line per problem (configIssues as text). */
export function formatIssues(error: z.ZodError): string[] {
  return configIssues(error).map(issueLine);
}
