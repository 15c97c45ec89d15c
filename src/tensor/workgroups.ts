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
 * Invocations per workgroup for kernels that give one workgroup to each row of `width` values: 16
 * on software adapters; elsewhere the smallest power of two ≥ width within [32, 256].
 */
export function rowWorkgroupSize(engine: { smallWorkgroups: boolean }, width: number): number {
  if (engine.smallWorkgroups) return 16;
  return Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(width))));
}
