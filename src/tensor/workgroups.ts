// Workgroup geometry for kernel dispatches. Below the engine, so that ops can size their dispatches
// without importing the engine, which imports the ops through its backward pass.
import type { AdapterIdentity } from '../gpu';

const maxGroups = 65535;

/** Workgroup counts for `n` items, `perGroup` per workgroup, folded into 2-D past the 65535 limit. */
export function grid1d(n: number, perGroup = 256): [number, number] {
  const groups = Math.ceil(n / perGroup);
  if (groups <= maxGroups) return [groups, 1];
  const y = Math.ceil(groups / maxGroups);
  return [Math.ceil(groups / y), y];
}

/** SwiftShader, llvmpipe/lavapipe and any adapter that calls itself a fallback run on the CPU. */
export function isSoftwareAdapter(adapter: AdapterIdentity): boolean {
  return (
    adapter.isFallback ||
    /swiftshader|llvmpipe|lavapipe/i.test(`${adapter.architecture} ${adapter.device} ${adapter.description}`)
  );
}

/**
 * Invocations per workgroup for kernels that give one workgroup to each row of `width` values: 4 on
 * software adapters, elsewhere the smallest power of two ≥ width within [32, 256]. A CPU runs a
 * workgroup on one thread, one SIMD group of 4 invocations at a time, and every barrier of the
 * workgroup's reduction switches between those groups: with 4 there is one group and the switches
 * vanish. On SwiftShader here (2026-12-03) layer norm over 160 rows of 32 took 1.05 ms instead of
 * 3.78 with 16, the attention softmax 1.08 instead of 4.93, and a step of the live default 21–26 %
 * less time.
 */
export function rowWorkgroupSize(engine: { smallWorkgroups: boolean }, width: number): number {
  if (engine.smallWorkgroups) return 4;
  return Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(width))));
}
