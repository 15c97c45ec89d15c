// Allowed ranges for every settings schema (the experiment's, the synthetic task's, each head's): one
// message per field that names the whole range and the value given, so a message can always say
// which field is wrong and what it accepts.
import { z } from './zod';

/** A value as it goes into a message; never throws, whatever the input (cycles, BigInt, null prototypes). */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    try {
      text = String(value);
    } catch {
      text = `a ${typeof value}`;
    }
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

type Issue = { input?: unknown };

/** An integer in [min, max]; every failure gives the same message with the whole range. */
export function int(min: number, max: number) {
  const error = (issue: Issue) => `must be an integer from ${min} to ${max}, got ${show(issue.input)}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** A number in [min, max], or (min, max] with `aboveMin`. */
export function real(min: number, max: number, aboveMin = false) {
  const error = (issue: Issue) =>
    `must be a number ${aboveMin ? `above ${min}` : `from ${min}`} ${aboveMin ? 'and at most' : 'to'} ${max}, got ${show(issue.input)}`;
  const number = z.number({ error });
  return (aboveMin ? number.gt(min, { error }) : number.min(min, { error })).max(max, { error });
}
