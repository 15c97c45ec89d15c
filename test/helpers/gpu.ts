// Shared GPU set-up for test/gpu: one Dawn device per test file (SwiftShader when no GPU exists).
import { afterAll, expect, it } from 'vitest';
import { runCheck, type KernelCheck } from '../../src/selftest';
import { acquireNodeGpu } from '../../src/gpu/nodeGpu';
import { Engine } from '../../src/tensor/engine';

let enginePromise: Promise<Engine> | undefined;

/** Fails (never skips) when no adapter exists, with the install hint from acquireNodeGpu. */
export function getEngine(): Promise<Engine> {
  enginePromise ??= acquireNodeGpu().then((gpu) => new Engine(gpu));
  return enginePromise;
}

afterAll(async () => {
  if (!enginePromise) return;
  const engine = await enginePromise;
  const errors = engine.gpu.takeErrors();
  enginePromise = undefined;
  if (errors.length > 0) throw new Error(`GPU errors during the tests:\n${errors.map((e) => e.message).join('\n')}`);
});

/** One test per kernel check: no GPU error, and the deviation from the float64 reference within its tolerance. */
export function itPassesChecks(checks: KernelCheck[]): void {
  it.each(checks.map((c) => [`${c.kernel} ${c.sizes}`, c] as const))('%s', async (_name, check) => {
    const result = await runCheck(await getEngine(), check);
    expect(result.error).toBeUndefined();
    expect(result.maxRel).toBeLessThanOrEqual(check.tolerance);
  });
}
