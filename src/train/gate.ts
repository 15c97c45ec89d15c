// Pause, single-step and stop for runComparison's `gate`: the comparison awaits `next()` before
// every step, and commands arriving meanwhile decide what that promise says.
export type GateMode = 'run' | 'pause' | 'step' | 'stop';

export interface GateHooks {
  /** Called each time the gate starts holding a step back (e.g. to flush metrics and say "paused"). */
  onPause?: () => void | Promise<void>;
  /** Called when a held step is let through again. */
  onResume?: () => void;
}

export class StepGate {
  private mode: GateMode = 'run';
  private wake: (() => void) | undefined;

  constructor(private readonly hooks: GateHooks = {}) {}

  /** 'step' lets exactly one more step through, then holds the next. */
  set(mode: GateMode): void {
    if (this.mode === 'stop') return;
    this.mode = mode;
    this.wake?.();
    this.wake = undefined;
  }

  /** For runComparison's `gate`: true to take the next step, false to stop. */
  readonly next = async (): Promise<boolean> => {
    let held = false;
    for (;;) {
      if (this.mode === 'stop') return false;
      if (this.mode === 'step') this.mode = 'pause';
      else if (this.mode === 'pause') {
        if (!held) await this.hooks.onPause?.();
        held = true;
        // A command that arrived during onPause already changed the mode: look again first.
        if (this.mode === 'pause') await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      if (held) this.hooks.onResume?.();
      return true;
    }
  };
}
