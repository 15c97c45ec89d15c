// A kernel call's named arguments checked against the entry point's interface and turned into bind
// group entries: every error names the kernel (shader:entry) and the binding or uniform member.
import type { BufferLedger } from './bufferLedger';
import { Usage } from './flags';
import type { BindingDeclaration, EntryInterface, ScalarType, UniformLayout } from './shaderInterface';
import type { UniformArena } from './uniformArena';

/** A buffer that knows what it holds (a tensor, perhaps at an offset); a bare GPUBuffer is bound unchecked. */
export interface TypedBuffer {
  readonly buffer: GPUBuffer;
  readonly dtype: ScalarType;
  /** Bytes from the start of `buffer`, a multiple of minStorageBufferOffsetAlignment. */
  readonly offset: number;
  readonly bytes: number;
}

/**
 * The whole buffer for a tensor that starts it (kernels index from 0 and never ask its length);
 * a range for one further in, rounded up to whole vec4s, which its slot always has room for.
 */
function resourceOf(value: TypedBuffer): GPUBufferBinding {
  const { buffer, offset, bytes } = value;
  if (offset === 0) return { buffer };
  return { buffer, offset, size: Math.min(Math.ceil(bytes / 16) * 16, buffer.size - offset) };
}

/** By name; `undefined` only where the shader tags the binding optional. */
export type NamedBindings = Record<string, GPUBuffer | TypedBuffer | undefined>;

/** A uniform member's value: a number for a scalar, one number per lane for a vector. */
export type UniformValues = Record<string, number | readonly number[]>;

const scalarRange: Record<ScalarType, [number, number] | undefined> = {
  u32: [0, 2 ** 32 - 1],
  i32: [-(2 ** 31), 2 ** 31 - 1],
  f32: undefined,
};

function unknownNames(given: object, known: string[], what: string, kernel: string): void {
  const unknown = Object.keys(given).find((name) => !known.includes(name));
  if (unknown !== undefined)
    throw new Error(`Kernel ${kernel} has no ${what} '${unknown}' (it has: ${known.join(', ') || 'none'})`);
}

/** The storage bind group entries; an absent optional binding gets `placeholder` for its access. */
function storageEntries(
  entry: EntryInterface,
  bindings: NamedBindings,
  placeholder: (access: BindingDeclaration['access']) => GPUBuffer,
): GPUBindGroupEntry[] {
  unknownNames(
    bindings,
    entry.storage.map((d) => d.name),
    'binding',
    entry.kernel,
  );
  return entry.storage.map((d) => {
    const value = bindings[d.name];
    if (value === undefined) {
      if (!d.optional) throw new Error(`Kernel ${entry.kernel}: binding '${d.name}' (${d.type}) is missing`);
      return { binding: d.binding, resource: { buffer: placeholder(d.access) } };
    }
    if ('dtype' in value && d.element !== undefined && value.dtype !== d.element) {
      throw new Error(`Kernel ${entry.kernel}: binding '${d.name}' is ${d.type}, got a ${value.dtype} tensor`);
    }
    return { binding: d.binding, resource: 'dtype' in value ? resourceOf(value) : { buffer: value } };
  });
}

function checkUniforms(layout: UniformLayout, values: UniformValues, kernel: string): void {
  unknownNames(
    values,
    layout.members.map((m) => m.name),
    `uniform member in ${layout.struct}`,
    kernel,
  );
  for (const { name, scalar, lanes } of layout.members) {
    const value = values[name];
    const type = lanes === 1 ? scalar : `vec${lanes}<${scalar}>`;
    const numbers = typeof value === 'number' ? [value] : value;
    const shapeFits =
      numbers !== undefined && (lanes === 1) === (typeof value === 'number') && numbers.length === lanes;
    const range = scalarRange[scalar];
    const inRange = (v: number) => !range || (Number.isInteger(v) && v >= range[0] && v <= range[1]);
    if (value === undefined) throw new Error(`Kernel ${kernel}: uniform member '${name}' (${type}) is missing`);
    if (!shapeFits || !numbers.every((v) => typeof v === 'number' && inRange(v)))
      throw new Error(`Kernel ${kernel}: uniform member '${name}' is ${type}, got ${JSON.stringify(value)}`);
  }
}

/** Writes the members at their WGSL offsets; the kernel never reads the padding between them. */
function writeUniforms(layout: UniformLayout, values: UniformValues, data: DataView, base: number): void {
  for (const { name, scalar, offset } of layout.members) {
    const value = values[name]!;
    (typeof value === 'number' ? [value] : value).forEach((v, lane) => {
      const at = base + offset + 4 * lane;
      if (scalar === 'u32') data.setUint32(at, v, true);
      else if (scalar === 'i32') data.setInt32(at, v, true);
      else data.setFloat32(at, v, true);
    });
  }
}

/** The uniform bind group entry, if the entry point has a uniform block; checked, packed and padded. */
function uniformEntry(
  entry: EntryInterface,
  values: UniformValues | undefined,
  arena: UniformArena,
): GPUBindGroupEntry | undefined {
  if (!entry.uniform) {
    if (values) unknownNames(values, [], 'uniform member', entry.kernel);
    return undefined;
  }
  const { declaration, layout } = entry.uniform;
  checkUniforms(layout, values ?? {}, entry.kernel);
  const resource = arena.allocate(layout.size, (data, base) => writeUniforms(layout, values!, data, base));
  return { binding: declaration.binding, resource };
}

/**
 * Bytes a call binds read-only and writable (a tensor's own bytes, a bare buffer's size): the traffic
 * of a kernel that touches each bound byte once, which the engine counts per step whatever the
 * adapter. A writable binding may also be read (an in-place update); it counts as written.
 */
export function boundBytes(entry: EntryInterface, bindings: NamedBindings): { read: number; written: number } {
  let [read, written] = [0, 0];
  for (const d of entry.storage) {
    const value = bindings[d.name];
    if (value === undefined) continue;
    const bytes = 'dtype' in value ? value.bytes : value.size;
    if (d.access === 'read') read += bytes;
    else written += bytes;
  }
  return { read, written };
}

/**
 * Turns a call's named arguments into bind group entries; owns the placeholders for absent optional
 * bindings: one for inputs and one for outputs, since WebGPU forbids one buffer bound both read-only
 * and writable in a dispatch.
 */
export class KernelArguments {
  private readonly absent = new Map<BindingDeclaration['access'], GPUBuffer>();

  constructor(
    private ledger: BufferLedger,
    private arena: UniformArena,
  ) {}

  entries(entry: EntryInterface, bindings: NamedBindings, uniforms: UniformValues | undefined): GPUBindGroupEntry[] {
    const entries = storageEntries(entry, bindings, (access) => this.placeholder(access));
    const uniform = uniformEntry(entry, uniforms, this.arena);
    return uniform ? [...entries, uniform] : entries;
  }

  /** 16 bytes hold one element of any array the kernels declare; the kernel ignores its values. */
  private placeholder(access: BindingDeclaration['access']): GPUBuffer {
    let buffer = this.absent.get(access);
    if (!buffer) {
      const label = access === 'read' ? 'absent optional input' : 'absent optional output';
      buffer = this.ledger.createBuffer({ size: 16, usage: Usage.STORAGE, label });
      this.absent.set(access, buffer);
    }
    return buffer;
  }

  destroy(): void {
    for (const buffer of this.absent.values()) this.ledger.destroy(buffer);
    this.absent.clear();
  }
}
