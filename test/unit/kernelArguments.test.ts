import { describe, expect, it } from 'vitest';
import { BufferLedger } from '../../src/gpu/bufferLedger';
import { KernelArguments, boundBytes, type NamedBindings, type UniformValues } from '../../src/gpu/kernelArguments';
import { ShaderInterface } from '../../src/gpu/shaderInterface';
import type { UniformArena } from '../../src/gpu/uniformArena';

const source = `
struct Params { n: u32, shift: i32, shape: vec4<u32>, scale: f32, pair: vec2<f32> }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> ids: array<i32>; // optional: read only when shift > 0
@group(0) @binding(3) var<storage, read_write> y: array<vec4<f32>>;
@compute @workgroup_size(1) fn main() { y[0] = vec4(x[params.n] + f32(ids[0])); }
`;
const entry = new ShaderInterface('test', source).entry('main');

const buffer = (label: string, size = 1024) => ({ label, size }) as unknown as GPUBuffer;
const tensor = (label: string, dtype: 'f32' | 'i32' | 'u32', offset = 0, bytes = 64) => ({
  buffer: buffer(label),
  dtype,
  offset,
  bytes,
});

/** Records what the arena was asked to write, in a 256-byte slot of its own. */
function fakeArena() {
  const slot = new DataView(new ArrayBuffer(256));
  const arena = {
    allocate(bytes: number, write: (data: DataView, offset: number) => void) {
      write(slot, 0);
      return { buffer: buffer('uniforms'), offset: 0, size: bytes };
    },
  } as unknown as UniformArena;
  return { slot, arena };
}

const fakeDevice = { createBuffer: ({ label }: { label: string }) => buffer(label) } as unknown as GPUDevice;

const uniforms: UniformValues = { n: 3, shift: -2, shape: [1, 2, 3, 4], scale: 0.5, pair: [-1, 2] };
const bindings: NamedBindings = { x: tensor('x', 'f32'), ids: tensor('ids', 'i32'), y: tensor('y', 'f32') };

function entriesOf(b: NamedBindings, u: UniformValues | undefined) {
  const { slot, arena } = fakeArena();
  return { entries: new KernelArguments(new BufferLedger(fakeDevice), arena).entries(entry, b, u), slot };
}

describe('kernel arguments by name', () => {
  it('binds each name at its @binding and packs the uniform members at their WGSL offsets', () => {
    const { entries, slot } = entriesOf(bindings, uniforms);
    const labelOf = (e: GPUBindGroupEntry) =>
      ((e.resource as GPUBufferBinding).buffer as unknown as { label: string }).label;
    expect(entries.map((e) => [e.binding, labelOf(e)])).toEqual([
      [1, 'x'],
      [2, 'ids'],
      [3, 'y'],
      [0, 'uniforms'],
    ]);
    expect((entries[3]!.resource as GPUBufferBinding).size).toBe(48);
    expect(slot.getUint32(0, true)).toBe(3);
    expect(slot.getInt32(4, true)).toBe(-2);
    expect([16, 20, 24, 28].map((at) => slot.getUint32(at, true))).toEqual([1, 2, 3, 4]);
    expect(slot.getFloat32(32, true)).toBe(0.5);
    expect([40, 44].map((at) => slot.getFloat32(at, true))).toEqual([-1, 2]);
  });

  it('binds a tensor that starts its buffer whole, and one further in as its range rounded up to whole vec4s', () => {
    const { entries } = entriesOf({ x: tensor('x', 'f32', 0, 12), y: tensor('y', 'f32', 768, 36) }, uniforms);
    expect(entries[0]!.resource).toEqual({ buffer: buffer('x') });
    expect(entries[2]!.resource).toEqual({ buffer: buffer('y'), offset: 768, size: 48 });
    // Never past the buffer's end.
    const { entries: last } = entriesOf({ x: bindings.x, y: tensor('y', 'f32', 1008, 12) }, uniforms);
    expect(last[2]!.resource).toEqual({ buffer: buffer('y'), offset: 1008, size: 16 });
  });

  it('counts the bytes a call binds read-only and writable, leaving out an absent optional input', () => {
    expect(
      boundBytes(entry, { x: tensor('x', 'f32', 0, 12), ids: tensor('ids', 'i32', 0, 40), y: buffer('y', 64) }),
    ).toEqual({
      read: 52,
      written: 64,
    });
    expect(boundBytes(entry, { x: tensor('x', 'f32', 0, 12), y: tensor('y', 'f32', 256, 48) })).toEqual({
      read: 12,
      written: 48,
    });
  });

  it('binds one engine-owned placeholder for an absent optional input', () => {
    const args = new KernelArguments(new BufferLedger(fakeDevice), fakeArena().arena);
    const first = args.entries(entry, { ...bindings, ids: undefined }, uniforms)[1]!;
    const second = args.entries(entry, { x: bindings.x, y: bindings.y }, uniforms)[1]!;
    expect(first.binding).toBe(2);
    expect((first.resource as GPUBufferBinding).buffer).toBe((second.resource as GPUBufferBinding).buffer);
    expect(((first.resource as GPUBufferBinding).buffer as unknown as { label: string }).label).toBe(
      'absent optional input',
    );
  });

  it('binds a separate placeholder for an absent optional output, never the input one', () => {
    const withOutput = new ShaderInterface(
      'sums',
      `@group(0) @binding(0) var<storage, read> x: array<f32>; // optional: read when wanted
@group(0) @binding(1) var<storage, read_write> sums: array<f32>; // optional: written when wanted
@compute @workgroup_size(1) fn main() { sums[0] = x[0]; }`,
    ).entry('main');
    const [input, output] = new KernelArguments(new BufferLedger(fakeDevice), fakeArena().arena).entries(
      withOutput,
      {},
      undefined,
    );
    const label = (e: GPUBindGroupEntry) =>
      ((e.resource as GPUBufferBinding).buffer as unknown as { label: string }).label;
    expect([label(input!), label(output!)]).toEqual(['absent optional input', 'absent optional output']);
  });

  it.each([
    [
      'an unknown binding',
      { ...bindings, z: tensor('z', 'f32') },
      uniforms,
      "Kernel test:main has no binding 'z' (it has: x, ids, y)",
    ],
    ['a missing binding', { x: bindings.x }, uniforms, "Kernel test:main: binding 'y' (array<vec4<f32>>) is missing"],
    [
      'a mistyped binding',
      { ...bindings, ids: tensor('ids', 'f32') },
      uniforms,
      "Kernel test:main: binding 'ids' is array<i32>, got a f32 tensor",
    ],
    [
      'an unknown member',
      bindings,
      { ...uniforms, count: 1 },
      "Kernel test:main has no uniform member in Params 'count' (it has: n, shift, shape, scale, pair)",
    ],
    ['a missing member', bindings, { n: 1 }, "Kernel test:main: uniform member 'shift' (i32) is missing"],
    ['no uniforms at all', bindings, undefined, "Kernel test:main: uniform member 'n' (u32) is missing"],
    ['a negative u32', bindings, { ...uniforms, n: -1 }, "Kernel test:main: uniform member 'n' is u32, got -1"],
    [
      'a fractional i32',
      bindings,
      { ...uniforms, shift: 0.5 },
      "Kernel test:main: uniform member 'shift' is i32, got 0.5",
    ],
    [
      'a scalar for a vector',
      bindings,
      { ...uniforms, shape: 4 },
      "Kernel test:main: uniform member 'shape' is vec4<u32>, got 4",
    ],
    [
      'a vector of the wrong length',
      bindings,
      { ...uniforms, pair: [1, 2, 3] },
      "Kernel test:main: uniform member 'pair' is vec2<f32>, got [1,2,3]",
    ],
  ] as const)('throws on %s, naming the kernel and the name', (_case, b, u, message) => {
    expect(() => entriesOf(b as NamedBindings, u as UniformValues | undefined)).toThrow(message);
  });

  it('accepts a bare GPUBuffer unchecked, and any f32 value however large', () => {
    expect(() => entriesOf({ ...bindings, ids: buffer('raw') }, { ...uniforms, scale: Infinity })).not.toThrow();
  });
});
