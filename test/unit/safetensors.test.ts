// The safetensors writer against the reference implementation's own test vectors and a strict
// reader written from the reference reader's rules (test/helpers/safetensors.ts).
import { describe, expect, it } from 'vitest';
import { encodeSafetensors, type NamedTensor } from '../../src/data/safetensors';
import { readSafetensors } from '../helpers/safetensors';

const ascii = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bitsOf = (data: Float32Array | Int32Array) => new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

describe('safetensors writer', () => {
  it('writes the reference test vectors: an empty file is 16 bytes; attn.0 [1, 2, 3] has a 64-byte header', () => {
    const empty = encodeSafetensors([]);
    expect([...empty.subarray(0, 8)]).toEqual([8, 0, 0, 0, 0, 0, 0, 0]);
    expect(ascii(empty.subarray(8))).toBe('{}      ');
    expect(empty.length).toBe(16);

    const attn = encodeSafetensors([
      { name: 'attn.0', dtype: 'F32', shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) },
    ]);
    expect([...attn.subarray(0, 8)]).toEqual([64, 0, 0, 0, 0, 0, 0, 0]);
    expect(ascii(attn.subarray(8, 72))).toBe('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}');
    expect(attn.length).toBe(8 + 64 + 24);
    expect(new Float32Array(attn.slice(72).buffer)).toEqual(new Float32Array([0, 1, 2, 3, 4, 5]));
  });

  it('reads back every tensor bit for bit, with its metadata, tightly tiled after a header padded to 8 bytes', () => {
    const tensors: NamedTensor[] = [
      { name: 'z.weight', dtype: 'F32', shape: [2, 3], data: new Float32Array([1.5, -0, Number.NaN, 1e-45, -3e38, 7]) },
      { name: 'a.bias', dtype: 'F32', shape: [3], data: new Float32Array([0.1, 0.2, Number.POSITIVE_INFINITY]) },
      { name: 'ids', dtype: 'I32', shape: [2, 2], data: new Int32Array([-2147483648, -1, 0, 2147483647]) },
      { name: 'scalar', dtype: 'F32', shape: [], data: new Float32Array([42]) },
      { name: 'nothing', dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
      // A view into a larger buffer: only its own bytes may be written.
      { name: 'view', dtype: 'F32', shape: [2], data: new Float32Array([9, 8, 7, 6]).subarray(1, 3) },
    ];
    const metadata = { format: 'pt', config: JSON.stringify({ ünïcode: '→ ✓', n: 1 }) };
    const file = readSafetensors(encodeSafetensors(tensors, metadata));
    expect(file.headerLength % 8).toBe(0);
    expect(file.metadata).toEqual(metadata);
    expect(file.order).toEqual(['a.bias', 'ids', 'nothing', 'scalar', 'view', 'z.weight']);
    for (const tensor of tensors) {
      const read = file.tensors.get(tensor.name)!;
      expect(read.dtype).toBe(tensor.dtype);
      expect(read.shape).toEqual(tensor.shape);
      expect(read.bytes).toEqual(bitsOf(tensor.data));
    }
    expect(file.tensors.size).toBe(tensors.length);
  });

  it('refuses duplicate or reserved names, and data that does not match its dtype or shape', () => {
    const one = (name: string): NamedTensor => ({ name, dtype: 'F32', shape: [1], data: new Float32Array(1) });
    expect(() => encodeSafetensors([one('w'), one('w')])).toThrow('Two tensors are named w');
    expect(() => encodeSafetensors([one('__metadata__')])).toThrow("cannot be named '__metadata__'");
    expect(() => encodeSafetensors([{ ...one('w'), dtype: 'I32' }])).toThrow('w: declared I32 but holds F32 data');
    expect(() => encodeSafetensors([{ ...one('w'), shape: [2] }])).toThrow('holds 2 elements but the data has 1');
    expect(() => encodeSafetensors([{ ...one('w'), shape: [-1] }])).toThrow('is not a list of non-negative integers');
  });
});
