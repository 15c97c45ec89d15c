// A strict safetensors reader for the tests, written from the reference reader's rules
// (docs/methods.md, "Weights out") rather than from src/data/safetensors.ts, so a writer bug is not
// read back by the same mistake: header of at most 100 MB, metadata values all strings, offsets that
// tile the data exactly in order (no gap, overlap or trailing byte), sizes matching dtype × shape.

const dtypeBytes: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1 };

export interface ReadTensor {
  dtype: string;
  shape: number[];
  /** The tensor's bytes, copied out of the file. */
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  headerLength: number;
  /** Names in the order their data lie in the file. */
  order: string[];
  tensors: Map<string, ReadTensor>;
  metadata: Record<string, string> | undefined;
}

export function readSafetensors(file: Uint8Array): SafetensorsFile {
  if (file.length < 8) throw new Error('shorter than the 8-byte header length');
  const headerLength = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  if (headerLength > 100_000_000) throw new Error('header over 100 MB');
  if (8 + headerLength > file.length) throw new Error('header runs past the end');
  const text = new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + headerLength));
  if (!text.startsWith('{')) throw new Error('header does not start with {');
  const header = JSON.parse(text) as Record<string, unknown>;
  const { __metadata__: metadata, ...entries } = header;
  if (metadata !== undefined) {
    for (const value of Object.values(metadata as object))
      if (typeof value !== 'string') throw new Error('a metadata value is not a string');
  }
  const data = file.subarray(8 + headerLength);
  const tensors = new Map<string, ReadTensor>();
  const byOffset = Object.entries(entries).map(([name, entry]) => {
    const { dtype, shape, data_offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    return { name, dtype, shape, begin: data_offsets[0], end: data_offsets[1] };
  });
  byOffset.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const { name, dtype, shape, begin, end } of byOffset) {
    const size = dtypeBytes[dtype];
    if (size === undefined) throw new Error(`${name}: unknown dtype ${dtype}`);
    if (begin !== expected) throw new Error(`${name}: begins at ${begin}, expected ${expected} (gap or overlap)`);
    const elements = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== elements * size) throw new Error(`${name}: ${end - begin} bytes for ${elements} × ${dtype}`);
    tensors.set(name, { dtype, shape, bytes: data.slice(begin, end) });
    expected = end;
  }
  if (expected !== data.length) throw new Error(`${data.length - expected} bytes after the last tensor`);
  return {
    headerLength,
    order: byOffset.map((t) => t.name),
    tensors,
    metadata: metadata as Record<string, string> | undefined,
  };
}

/** The tensor's values as f32 (little-endian host, as the format). */
export function float32Of(tensor: ReadTensor): Float32Array {
  if (tensor.dtype !== 'F32') throw new Error(`expected F32, got ${tensor.dtype}`);
  return new Float32Array(tensor.bytes.buffer, tensor.bytes.byteOffset, tensor.bytes.byteLength / 4);
}
