// CPU reference of shaders/dropout.wgsl: Philox-4x32-10 with the 64-bit products taken exactly in
// BigInt (the shader builds them from 16-bit limbs), and the dropout mask drawn from its words.
const multipliers = [0xd2511f53n, 0xcd9e8d57n] as const;
const keyIncrements = [0x9e3779b9, 0xbb67ae85] as const;

function mulHiLo(a: bigint, b: number): [hi: number, lo: number] {
  const product = a * BigInt(b >>> 0);
  return [Number(product >> 32n), Number(product & 0xffffffffn)];
}

/** Philox-4x32 with 10 rounds: four counter words and two key words in, four random words out. */
export function philox4x32(counter: readonly number[], key: readonly number[]): number[] {
  let c = counter.map((v) => v >>> 0);
  let k = key.map((v) => v >>> 0);
  for (let round = 0; round < 10; round++) {
    if (round > 0) k = [(k[0]! + keyIncrements[0]) >>> 0, (k[1]! + keyIncrements[1]) >>> 0];
    const [hi0, lo0] = mulHiLo(multipliers[0], c[0]!);
    const [hi1, lo1] = mulHiLo(multipliers[1], c[2]!);
    c = [(hi1 ^ c[1]! ^ k[0]!) >>> 0, lo1, (hi0 ^ c[3]! ^ k[1]!) >>> 0, lo0];
  }
  return c;
}

/** Word i of stream (seed, step): word i % 4 of the block with counter (i / 4, step, 0, 0), key (seed, 0). */
export function randomWords(n: number, seed: number, step: number): Uint32Array {
  const words = new Uint32Array(n);
  for (let block = 0; block * 4 < n; block++) {
    const out = philox4x32([block, step, 0, 0], [seed, 0]);
    for (let k = 0; k < 4 && block * 4 + k < n; k++) words[block * 4 + k] = out[k]!;
  }
  return words;
}

/** Keep mask (1 kept, 0 dropped): a word is kept when word / 2³² ≥ p, to the nearest threshold. */
export function dropoutMask(n: number, p: number, seed: number, step: number): Uint8Array {
  const threshold = Math.min(0xffffffff, Math.round(p * 2 ** 32));
  return Uint8Array.from(randomWords(n, seed, step), (word) => (word >= threshold ? 1 : 0));
}

export function dropoutApply(x: ArrayLike<number>, p: number, seed: number, step: number): Float64Array {
  const mask = dropoutMask(x.length, p, seed, step);
  return Float64Array.from(mask, (kept, i) => (kept ? x[i]! / (1 - p) : 0));
}
