// Reading the numbers of a word-vector file without making a string per number. Numbers are almost
// all of a `.vec` file (300 per line); scanning them in place measured about twice as fast as
// split() + a validating regex + Number(), which is the difference a user waits for on a big upload.

const digit0 = 0x30;
const plus = 0x2b;
const minus = 0x2d;
const dot = 0x2e;
const lowerE = 0x65;
const upperE = 0x45;
const space = 0x20;
const tab = 0x09;

/** Powers of ten that doubles hold exactly; dividing or multiplying by them rounds correctly (Clinger's fast path). */
const exactPowersOfTen = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** A mantissa with at most this many significant digits is an exact double. */
const exactDigits = 15;

/**
 * The plain decimal in text[start, end) (`-1`, `.5`, `2.`, `1e-3`, optional sign), or NaN if the
 * field is anything else (hex, `Infinity`, `NaN`, stray characters). Rounded like `Number()`.
 */
export function parseDecimal(text: string, start: number, end: number): number {
  let at = start;
  const sign = text.charCodeAt(at);
  if (sign === minus || sign === plus) at++;
  let mantissa = 0;
  let significant = 0;
  let scale = 0;
  let digits = 0;
  for (; at < end; at++) {
    const d = text.charCodeAt(at) - digit0;
    if (d < 0 || d > 9) break;
    digits++;
    if (mantissa !== 0 || d !== 0) significant++;
    mantissa = mantissa * 10 + d;
  }
  if (at < end && text.charCodeAt(at) === dot) {
    for (at++; at < end; at++) {
      const d = text.charCodeAt(at) - digit0;
      if (d < 0 || d > 9) break;
      digits++;
      if (mantissa !== 0 || d !== 0) significant++;
      mantissa = mantissa * 10 + d;
      scale--;
    }
  }
  if (digits === 0) return NaN;
  if (at < end) {
    const e = text.charCodeAt(at);
    if (e !== lowerE && e !== upperE) return NaN;
    at++;
    const exponentSign = text.charCodeAt(at);
    if (exponentSign === minus || exponentSign === plus) at++;
    let exponent = 0;
    const exponentStart = at;
    for (; at < end; at++) {
      const d = text.charCodeAt(at) - digit0;
      if (d < 0 || d > 9) return NaN;
      if (exponent < 1e6) exponent = exponent * 10 + d;
    }
    if (at === exponentStart) return NaN;
    scale += exponentSign === minus ? -exponent : exponent;
  }
  if (significant > exactDigits || scale > 22 || scale < -22) return Number(text.slice(start, end));
  const magnitude = scale >= 0 ? mantissa * exactPowersOfTen[scale]! : mantissa / exactPowersOfTen[-scale]!;
  return sign === minus ? -magnitude : magnitude;
}

/**
 * Writes the [start, end) offsets of the fields of `text` — runs of characters other than ASCII
 * space and tab — into `bounds` (start at 2i, end at 2i + 1) and returns how many there are.
 */
export function findFields(text: string, bounds: number[]): number {
  let count = 0;
  let at = 0;
  const length = text.length;
  while (at < length) {
    while (at < length && isSeparator(text.charCodeAt(at))) at++;
    if (at === length) break;
    bounds[2 * count] = at;
    while (at < length && !isSeparator(text.charCodeAt(at))) at++;
    bounds[2 * count + 1] = at;
    count++;
  }
  return count;
}

function isSeparator(code: number): boolean {
  return code === space || code === tab;
}
