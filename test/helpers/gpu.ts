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

/**
 * One test per kernel check: no GPU error, and the deviation from the float64 reference within its
 * tolerance. With `bothWorkgroupSizes`, row kernels run with the software adapter's small workgroups
 * and with a GPU's wide ones, so both paths are tested on whatever adapter runs the suite.
 */
export function itPassesChecks(checks: KernelCheck[], { bothWorkgroupSizes = false } = {}): void {
  it.each(checks.map((c) => [`${c.kernel} ${c.sizes}`, c] as const))('%s', async (_name, check) => {
    const engine = await getEngine();
    const policy = engine.smallWorkgroups;
    try {
      for (const small of bothWorkgroupSizes ? [true, false] : [policy]) {
        engine.smallWorkgroups = small;
        const result = await runCheck(engine, check);
        expect(result.error, `smallWorkgroups=${small}`).toBeUndefined();
        expect(result.maxRel, `smallWorkgroups=${small}`).toBeLessThanOrEqual(check.tolerance);
      }
    } finally {
      engine.smallWorkgroups = policy;
    }
  });
}
