// Every differentiable op has a finite-difference check: the `ops` table lists the ops, and each
// self-test gradient check names the ops it differentiates (`gradientCheck`'s `differentiates`, which
// the check itself confirms on the tape when it runs on a GPU). An op added to the table without a
// check fails here.
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/selftest';
import { ops } from '../../src/tensor/ops';

describe('gradient checks', () => {
  it('cover every op of the ops table', () => {
    const checked = new Set<string>(allChecks.flatMap((check) => check.differentiates ?? []));
    expect(Object.keys(ops).filter((name) => !checked.has(name))).toEqual([]);
  });
});
