// Random numbers that every JavaScript engine draws bit for bit the same, for tables that a shared
// link must rebuild exactly. ECMAScript leaves Math.log, Math.cos and the like
// implementation-approximated, so two engines may differ in their last place; here the generator is
// integer arithmetic (Math.imul, shifts, xor) and the transforms use only +, −, ×, ÷, which IEEE 754
// rounds correctly (JavaScript never fuses a multiply and an add), and Math.sqrt, which the
// specification calls an approximation but every engine takes from the processor's correctly
// rounded square root.

/** Wellons' lowbias32 integer hash: a bijection on 32-bit words, so distinct inputs stay distinct. */
function hash32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 0;
}

const rotateLeft = (x: number, k: number) => (x << k) | (x >>> (32 - k));

/**
 * 32-bit words of xoshiro128** (Blackman & Vigna), one stream per (seed, key): for a fixed seed the
 * starting states of different keys differ (the hash is a bijection), and streams that start apart
 * in a period of 2¹²⁸ − 1 do not overlap in any length a table needs.
 */
function keyedWords(seed: number, key: number): () => number {
  const base = hash32(hash32(seed) ^ key);
  // Four distinct hash inputs give four distinct words, so the state is never all zero.
  let [s0, s1, s2, s3] = [0, 1, 2, 3].map((i) => hash32(base + Math.imul(i, 0x9e3779b9))) as [
    number,
    number,
    number,
    number,
  ];
  return () => {
    const result = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9) >>> 0;
    const shifted = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= shifted;
    s3 = rotateLeft(s3, 11);
    return result;
  };
}

/** Single bits of the (seed, key) stream, 32 to a word: for signs. */
export function keyedBits(seed: number, key: number): () => 0 | 1 {
  const next = keyedWords(seed, key);
  let word = 0;
  let left = 0;
  return () => {
    if (left === 0) [word, left] = [next(), 32];
    left--;
    return ((word >>> left) & 1) as 0 | 1;
  };
}

/** Uniform doubles in [0, 1) with all 53 bits random: 27 + 26 bits of two words, exactly representable. */
export function keyedUniform(seed: number, key: number): () => number {
  const next = keyedWords(seed, key);
  return () => ((next() >>> 5) * 2 ** 26 + (next() >>> 6)) / 2 ** 53;
}

/**
 * The natural logarithm of a positive finite x, from exact halvings and doublings and the series
 * log f = 2·atanh((f − 1)/(f + 1)) for f in [√½, √2), where |(f − 1)/(f + 1)| ≤ 0.172 and 13 odd
 * terms leave a truncation error below 10⁻²⁰: within 3 units in the last place of V8's Math.log over
 * 2·10⁶ samples, and the same on every engine.
 */
export function portableLog(x: number): number {
  // The scaling loops below would never end on 0, a negative, an infinity or NaN.
  if (!(x > 0 && x < Number.POSITIVE_INFINITY))
    throw new RangeError(`portableLog needs a positive finite number, got ${x}`);
  let fraction = x;
  let exponent = 0;
  while (fraction >= Math.SQRT2) [fraction, exponent] = [fraction / 2, exponent + 1];
  while (fraction < Math.SQRT1_2) [fraction, exponent] = [fraction * 2, exponent - 1];
  const t = (fraction - 1) / (fraction + 1);
  const t2 = t * t;
  let series = 0;
  for (let k = 25; k >= 1; k -= 2) series = series * t2 + 1 / k;
  return exponent * Math.LN2 + 2 * t * series;
}

/**
 * Standard normal samples of the (seed, key) stream by Marsaglia's polar method, which needs a
 * logarithm and a square root but no sine or cosine.
 */
export function keyedNormals(seed: number, key: number): () => number {
  const uniform = keyedUniform(seed, key);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    for (;;) {
      const u = 2 * uniform() - 1;
      const v = 2 * uniform() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const scale = Math.sqrt((-2 * portableLog(s)) / s);
      spare = v * scale;
      return u * scale;
    }
  };
}
