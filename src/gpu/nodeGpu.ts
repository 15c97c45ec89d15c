// Node only (CLI, tests): WebGPU through Dawn from npm `webgpu`. Never imported by the browser build.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { GpuError } from './errors';
import { acquireGpu, type GpuContext } from './device';

const swiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';

const installHelp =
  'On Debian/Ubuntu without a GPU run: apt-get install -y libvulkan1 chromium ' +
  `(Chromium ships SwiftShader's Vulkan driver at ${swiftShaderIcd}).`;

/** A Linux machine with no GPU device node cannot use Mesa's hardware ICDs, and lavapipe lacks a feature Dawn needs. */
function hasGpuDeviceNode(): boolean {
  const dri = existsSync('/dev/dri') && readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  return dri || readdirSync('/dev').some((f) => f.startsWith('nvidia'));
}

function useSwiftShader(): boolean {
  if (process.platform !== 'linux' || process.env.VK_ICD_FILENAMES || !existsSync(swiftShaderIcd)) return false;
  process.env.VK_ICD_FILENAMES = swiftShaderIcd;
  return true;
}

type Dawn = { create(flags: string[]): GPU; globals: Record<string, unknown> };

/** Dawn tears its instance down when the `GPU` object is collected, crashing live devices: keep them all. */
const liveInstances: GPU[] = [];
function createInstance(dawn: Dawn): GPU {
  const gpu = dawn.create([]);
  liveInstances.push(gpu);
  return gpu;
}

/**
 * Dawn's adapter: the hardware one when the machine has a GPU, else SwiftShader from Debian's
 * `chromium` package (the Vulkan loader reads VK_ICD_FILENAMES at every instance creation).
 */
export async function acquireNodeGpu(): Promise<GpuContext> {
  // The Vulkan loader complains on every start when XDG_RUNTIME_DIR is unset (CI, containers).
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  const dawn = createRequire(import.meta.url)('webgpu') as Dawn;
  Object.assign(globalThis, dawn.globals);
  const forceSoftware = Boolean(process.env.CONTINUUM_FORCE_SWIFTSHADER);
  if (process.platform === 'linux' && (forceSoftware || !hasGpuDeviceNode())) useSwiftShader();
  try {
    return await acquireGpu(createInstance(dawn));
  } catch (error) {
    if (!(error instanceof GpuError) || error.kind !== 'unavailable') throw error;
    if (useSwiftShader())
      return acquireGpu(createInstance(dawn)).catch(() =>
        Promise.reject(new GpuError('unavailable', `Dawn found no WebGPU adapter. ${installHelp}`)),
      );
    throw new GpuError('unavailable', `Dawn found no WebGPU adapter. ${installHelp}`);
  }
}
