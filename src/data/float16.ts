// IEEE 754 half precision (binary16) ↔ float32, little-endian, for the shipped embedding files.
// Encoding rounds to nearest, ties to even, and keeps subnormals, infinities and NaN.

const scratch = new DataView(new ArrayBuffer(4));

function float32Bits(value: number): number {
  scratch.setFloat32(0, value);
  return scratch.getUint32(0);
}

/** One float as half-precision bits. */
function toHalfBits(value: number): number {
  const bits = float32Bits(value);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    // Subnormal half: shift the mantissa (with its implicit 1) right, rounding to nearest even.
    const full = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    const rounded = (full >>> shift) + roundUp(full, shift);
    return sign | rounded;
  }
  // A carry out of the mantissa correctly bumps the exponent (and overflows to infinity).
  return (sign | (halfExponent << 10) | (mantissa >>> 13)) + roundUp(mantissa, 13);
}

/** 1 when dropping the low `shift` bits should round up (nearest, ties to even). */
function roundUp(value: number, shift: number): number {
  const half = 1 << (shift - 1);
  const rest = value & ((1 << shift) - 1);
  const keptIsOdd = (value >>> shift) & 1;
  return rest > half || (rest === half && keptIsOdd) ? 1 : 0;
}

/** Half-precision bits back to a number (exact: every half is a float32). */
function fromHalfBits(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >>> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Floats → little-endian binary16 bytes. */
export function encodeFloat16(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, toHalfBits(values[i]), true);
  return bytes;
}

/** Little-endian binary16 bytes → Float32Array. */
export function decodeFloat16(bytes: Uint8Array): Float32Array {
  if (bytes.length % 2 !== 0) throw new Error(`A float16 buffer has an odd byte length (${bytes.length})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A 64k-entry table makes decoding 4M halves a lookup each.
  const table = halfTable();
  const out = new Float32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = table[view.getUint16(i * 2, true)];
  return out;
}

let cachedTable: Float32Array | undefined;
function halfTable(): Float32Array {
  if (!cachedTable) {
    cachedTable = new Float32Array(0x10000);
    for (let bits = 0; bits < 0x10000; bits++) cachedTable[bits] = fromHalfBits(bits);
  }
  return cachedTable;
}
