// The page's side of the training worker's heartbeat (src/app/worker/heartbeat.worker.ts): silence
// longer than `heartbeatTimeoutMs` after a beat means the worker died without an error event.
import { heartbeatTimeoutMs } from '../../train/protocol';

export class HeartbeatWatchdog {
  /** When the latest beat arrived; undefined before the first, which a loading worker may take a while to send. */
  private lastBeat: number | undefined;
  private lastCheck: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.lastCheck = now();
  }

  beat(): void {
    this.lastBeat = this.now();
  }

  /**
   * Milliseconds of silence since the last beat when they exceed the timeout, else undefined. Meant
   * to be called about once a second: when this call itself comes late by more than the timeout, the
   * page was frozen or throttled and saw no beats either, so the worker gets a fresh window.
   */
  silence(): number | undefined {
    const now = this.now();
    if (now - this.lastCheck > heartbeatTimeoutMs && this.lastBeat !== undefined) this.lastBeat = now;
    this.lastCheck = now;
    if (this.lastBeat === undefined) return undefined;
    const silent = now - this.lastBeat;
    return silent > heartbeatTimeoutMs ? silent : undefined;
  }
}
