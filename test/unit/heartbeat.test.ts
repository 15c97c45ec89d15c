import { describe, expect, it } from 'vitest';
import { HeartbeatWatchdog } from '../../src/app/training/heartbeat';
import { heartbeatIntervalMs, heartbeatTimeoutMs } from '../../src/train/protocol';

/** A watchdog on a clock the test moves, checked once a second as the page checks it. */
function watched() {
  let now = 0;
  const watchdog = new HeartbeatWatchdog(() => now);
  return {
    watchdog,
    /** Advances the clock by `ms` in one-second checks; the first silence reported, if any. */
    pass(ms: number, { beating }: { beating: boolean }): number | undefined {
      for (let t = 0; t < ms; t += heartbeatIntervalMs) {
        now += heartbeatIntervalMs;
        if (beating) watchdog.beat();
        const silent = watchdog.silence();
        if (silent !== undefined) return silent;
      }
      return undefined;
    },
  };
}

describe('the heartbeat watchdog', () => {
  it('stays quiet before the first beat, however long the worker takes to load', () => {
    expect(watched().pass(60_000, { beating: false })).toBeUndefined();
  });

  it('stays quiet while beats arrive', () => {
    const { pass } = watched();
    expect(pass(60_000, { beating: true })).toBeUndefined();
  });

  it('reports a silence within 5 s of the last beat, and not before the timeout', () => {
    const { pass } = watched();
    pass(3_000, { beating: true });
    const silent = pass(10_000, { beating: false });
    expect(silent).toBeGreaterThan(heartbeatTimeoutMs);
    expect(silent).toBeLessThanOrEqual(5_000);
  });

  it('gives a fresh window after the page itself was frozen longer than the timeout', () => {
    let now = 0;
    const watchdog = new HeartbeatWatchdog(() => now);
    watchdog.beat();
    now = 60_000; // the tab was frozen: no check ran, and the worker's beats were held up too
    expect(watchdog.silence()).toBeUndefined();
    now += heartbeatIntervalMs;
    expect(watchdog.silence()).toBeUndefined();
    now += heartbeatTimeoutMs;
    expect(watchdog.silence()).toBeGreaterThan(heartbeatTimeoutMs);
  });
});
