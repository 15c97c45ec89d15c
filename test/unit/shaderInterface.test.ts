import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shaderSource } from '#shader-sources';
import { ShaderInterface, wgslConstant } from '../../src/gpu/shaderInterface';
import { matmulKernels, matmulSource, type MatmulKernelName } from '../../src/tensor/ops/matmulKernels';

const offsetsOf = (source: string, entry = 'main') => {
  const layout = new ShaderInterface('test', source).entry(entry).uniform!.layout;
  return { size: layout.size, offsets: Object.fromEntries(layout.members.map((m) => [m.name, m.offset])) };
};

const uniformOf = (struct: string) => `
struct P { ${struct} }
@group(0) @binding(0) var<uniform> p: P;
@compute @workgroup_size(1) fn main() { _ = p; }`;

describe('uniform struct layout (WGSL alignment rules)', () => {
  it('aligns vectors to 8 or 16 bytes and rounds the block up to 16', () => {
    expect(offsetsOf(uniformOf('a: u32, b: vec3<f32>, c: f32, d: vec2<u32>, e: i32, f: vec4<f32>'))).toEqual({
      size: 64,
      offsets: { a: 0, b: 16, c: 28, d: 32, e: 40, f: 48 },
    });
    expect(offsetsOf(uniformOf('x: f32'))).toEqual({ size: 16, offsets: { x: 0 } });
    expect(offsetsOf(uniformOf('a: u32, b: vec2<f32>'))).toEqual({ size: 16, offsets: { a: 0, b: 8 } });
    expect(offsetsOf(uniformOf('a: vec3<f32>, b: f32, c: u32'))).toEqual({ size: 32, offsets: { a: 0, b: 12, c: 16 } });
    // The padding the shaders once spelled out (`_pad1: u32, _pad2: u32`) is implied by vec4's alignment.
    expect(offsetsOf(uniformOf('n: u32, runs: u32, shape: vec4<u32>'))).toEqual({
      size: 32,
      offsets: { n: 0, runs: 4, shape: 16 },
    });
  });

  it('refuses a member it cannot pack, naming the kernel and the member', () => {
    expect(() => offsetsOf(uniformOf('a: u32, m: mat2x2<f32>'))).toThrow(/test:main.*'m: mat2x2<f32>' of P/);
  });
});

const twoEntries = `
struct P { n: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> fwd_x: array<f32>;
@group(0) @binding(2) var<storage, read> lengths: array<i32>; // optional: read only when n > 0
// @group(0) @binding(5) var<storage, read> disabled: array<f32>;
@group(0) @binding(3) var<storage, read_write> fwd_y: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> bwd_y: array<f32>;
@group(0) @binding(3) var<storage, read_write> words: array<u32>; // any dtype: raw copy

fn helper(i: u32) -> i32 { return lengths[i]; }
// Parameters, locals and member names shadow nothing at module scope.
fn update(fwd_x: f32, s: S) -> f32 { let words = s.bwd_y; return fwd_x + words; }

@compute @workgroup_size(1) fn forward_main() {
  fwd_y[0] = vec4(fwd_x[0] + f32(helper(0u)) + update(1.0, S(2.0)));
}
@compute @workgroup_size(1) fn backward_main() { words[0] = u32(bwd_y[p.n]); }
`;

describe('shader interface', () => {
  const shader = new ShaderInterface('two', twoEntries);

  it('lists the bindings each entry point statically uses, through the functions it calls', () => {
    const forward = shader.entry('forward_main');
    expect(forward.kernel).toBe('two:forward_main');
    expect(forward.storage.map((d) => [d.binding, d.name, d.access, d.element, d.optional])).toEqual([
      [1, 'fwd_x', 'read', 'f32', false],
      [2, 'lengths', 'read', 'i32', true],
      [3, 'fwd_y', 'read_write', 'f32', false],
    ]);
    expect(forward.uniform).toBeUndefined();
    const backward = shader.entry('backward_main');
    expect(backward.storage.map((d) => [d.name, d.element])).toEqual([
      ['bwd_y', 'f32'],
      ['words', undefined],
    ]);
    expect(backward.uniform?.declaration.name).toBe('p');
  });

  it('names the kernel when an entry point is missing or two of its bindings share an index', () => {
    expect(() => shader.entry('nope_main')).toThrow("Kernel two:nope_main: the shader has no function 'nope_main'");
    const clash = `${twoEntries}\n@compute @workgroup_size(1) fn both_main() { words[0] = u32(fwd_y[0].x); }`;
    expect(() => new ShaderInterface('clash', clash).entry('both_main')).toThrow(
      "Kernel clash:both_main: 'fwd_y' and 'words' both use @binding(3)",
    );
  });

  it('allows the optional tag only on storage', () => {
    const source = '@group(0) @binding(1) var<uniform> params: Params; // optional: no';
    expect(() => new ShaderInterface('bad', source)).toThrow(/'params' is tagged optional but is not storage/);
  });
});

describe('wgslConstant', () => {
  const source = `
// const COMMENTED: u32 = 7u;
const TILE = 64u;
const HEX: u32 = 0xD2511F53u;
const SCALE: f32 = -1.5e2;
const EXPR: u32 = TILE * 2u;`;

  it('reads a top-level numeric constant: suffixed, hex, float', () => {
    expect(wgslConstant(source, 'TILE')).toBe(64);
    expect(wgslConstant(source, 'HEX')).toBe(0xd2511f53);
    expect(wgslConstant(source, 'SCALE')).toBe(-150);
  });

  it('refuses an expression, a commented-out or a missing constant', () => {
    for (const name of ['EXPR', 'COMMENTED', 'MISSING'])
      expect(() => wgslConstant(source, name)).toThrow(`no top-level 'const ${name}' holding a number`);
  });
});

describe('every kernel of the repository', () => {
  const shaders = readdirSync(new URL('../../shaders/', import.meta.url))
    .filter((file) => file.endsWith('.wgsl') && !file.startsWith('matmul_'))
    .map((file) => file.slice(0, -'.wgsl'.length));
  const sources: [string, string][] = [
    ...shaders.map((name): [string, string] => [name, shaderSource(name)]),
    ...Object.keys(matmulKernels).map((name): [string, string] => [
      `matmul_${name}`,
      matmulSource(name as MatmulKernelName),
    ]),
  ];

  it.each(sources)(
    '%s: each entry point has one buffer per binding index and a packable uniform block',
    (name, source) => {
      const entries = [...source.matchAll(/@compute[^\n]*\n?\s*fn\s+(\w+)/g)].map((m) => m[1]!);
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        const found = new ShaderInterface(name, source).entry(entry);
        expect(found.storage.length, entry).toBeGreaterThan(0);
        if (found.uniform) expect(found.uniform.layout.size).toBeLessThanOrEqual(256);
      }
    },
  );
});
