// Writes the safetensors format (huggingface/safetensors; rules in docs/methods.md, "Weights out"):
// 8 bytes of header length N (u64, little-endian), N bytes of JSON padded with spaces to a multiple
// of 8, then every tensor's little-endian bytes, back to back. No npm package writes it (the
// `safetensors` package only reads), and the format is small enough to write here.

export type SafetensorsDtype = 'F32' | 'I32';

export interface NamedTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: readonly number[];
  data: Float32Array | Int32Array;
}

const elementBytes: Record<SafetensorsDtype, number> = { F32: 4, I32: 4 };
const arrayDtype = (data: NamedTensor['data']): SafetensorsDtype => (data instanceof Float32Array ? 'F32' : 'I32');

/** Typed arrays hold the host's byte order; the format is little-endian, as every WebGPU host is. */
const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function checked(tensors: readonly NamedTensor[]): void {
  const names = new Set<string>();
  for (const { name, dtype, shape, data } of tensors) {
    if (name === '__metadata__' || name === '') throw new Error(`A tensor cannot be named '${name}' in safetensors`);
    if (names.has(name)) throw new Error(`Two tensors are named ${name}: safetensors names must be unique`);
    names.add(name);
    if (arrayDtype(data) !== dtype) throw new Error(`${name}: declared ${dtype} but holds ${arrayDtype(data)} data`);
    if (!shape.every((n) => Number.isInteger(n) && n >= 0))
      throw new Error(`${name}: shape [${shape.join(', ')}] is not a list of non-negative integers`);
    const elements = shape.reduce((a, b) => a * b, 1);
    if (elements !== data.length)
      throw new Error(
        `${name}: shape [${shape.join(', ')}] holds ${elements} elements but the data has ${data.length}`,
      );
  }
}

/**
 * The file's bytes. Tensors are laid out as the reference writer does: by descending element size,
 * then by name (code-point order), so each starts aligned to its element size; `metadata` goes in
 * `__metadata__` (omitted when empty).
 */
export function encodeSafetensors(
  tensors: readonly NamedTensor[],
  metadata: Record<string, string> = {},
): Uint8Array<ArrayBuffer> {
  if (!hostIsLittleEndian) throw new Error('safetensors export needs a little-endian host');
  checked(tensors);
  const ordered = [...tensors].sort(
    (a, b) => elementBytes[b.dtype] - elementBytes[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const header: Record<string, unknown> = Object.keys(metadata).length > 0 ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const { name, dtype, shape, data } of ordered) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const { data } of ordered) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}
