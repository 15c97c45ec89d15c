import { create } from 'zustand';
import { GpuError, acquireGpu, type AdapterSummary } from '../gpu';
import { allChecks, runCheck, type KernelCheckResult } from '../selftest';
import { Engine } from '../tensor/engine';
import { tuneKernels, type TunedKernel } from '../tensor/ops/tunables';
import { indexedDbKernelChoices } from './kernelChoiceStore';

export type GpuStatus =
  | { status: 'detecting' }
  | { status: 'ready'; adapter: AdapterSummary; engine: Engine }
  /** `missing`: the browser has no WebGPU or no adapter; otherwise the device failed to start. */
  | { status: 'unavailable'; missing: boolean; message: string };

export interface SelfTestState {
  running: boolean;
  /** Results in check order; rows past its length are still waiting. */
  results: KernelCheckResult[];
  /** Wall-clock milliseconds of the last finished run. */
  elapsedMs?: number;
  /** The kernel choices for this adapter: timed at the start of the run, or read from IndexedDB. */
  kernels?: TunedKernel[];
}

interface AppState {
  gpu: GpuStatus;
  /** Set when the device is lost after start-up; the adapter panel stays, the self-test stops. */
  deviceLost?: string;
  selfTest: SelfTestState;
  detectGpu(): Promise<void>;
  runSelfTest(): Promise<void>;
}

/** A macrotask boundary: lets React commit and the browser paint before the next GPU check. */
const yieldToBrowser = () => new Promise<void>((resolve) => setTimeout(resolve));
/** How often a running self-test shows its new results. */
const selfTestRefreshMs = 250;

export const useAppStore = create<AppState>()((set, get) => ({
  gpu: { status: 'detecting' },
  selfTest: { running: false, results: [] },

  async detectGpu() {
    const previous = get().gpu;
    if (previous.status === 'ready') {
      previous.engine.destroy();
      previous.engine.gpu.destroy();
    }
    set({ gpu: { status: 'detecting' }, deviceLost: undefined, selfTest: { running: false, results: [] } });
    try {
      const gpu = await acquireGpu(globalThis.navigator?.gpu);
      const engine = new Engine(gpu);
      set({ gpu: { status: 'ready', adapter: gpu.adapter, engine } });
      void gpu.lost.then((error) => {
        const current = get().gpu;
        if (current.status === 'ready' && current.engine === engine) set({ deviceLost: error.message });
      });
    } catch (e) {
      const missing = e instanceof GpuError && e.kind === 'unavailable';
      const message = e instanceof Error ? e.message : String(e);
      set({ gpu: { status: 'unavailable', missing, message } });
    }
  },

  async runSelfTest() {
    const { gpu, selfTest } = get();
    if (gpu.status !== 'ready' || selfTest.running) return;
    set({ selfTest: { running: true, results: [] } });
    const started = performance.now();
    // A failed timing leaves the adapter's default; the kernel checks below then show why.
    const kernels = await tuneKernels(gpu.engine, indexedDbKernelChoices());
    set((s) => ({ selfTest: { ...s.selfTest, kernels } }));
    // runSelfTest() offers no pause between checks, so the page walks the list with runCheck and
    // shows what has finished every few frames: rendering the ~900-row table after every check
    // took longer than the checks themselves.
    const results: KernelCheckResult[] = [];
    let shown = performance.now();
    const show = () => {
      set((s) => ({ selfTest: { ...s.selfTest, results: [...results] } }));
      shown = performance.now();
    };
    for (const check of allChecks) {
      if (get().deviceLost) break;
      results.push(await runCheck(gpu.engine, check));
      if (performance.now() - shown >= selfTestRefreshMs) {
        show();
        await yieldToBrowser();
      }
    }
    show();
    set((s) => ({ selfTest: { ...s.selfTest, running: false, elapsedMs: performance.now() - started } }));
  },
}));
