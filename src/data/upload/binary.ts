// Finding where a text upload stops being text: a NUL byte, or bytes that are not UTF-8. A
// non-fatal TextDecoder does the fast work and marks bad bytes with U+FFFD; only when one appears
// (rare in real text) do we scan the bytes to find the exact offset, so the error can name the line.

const nulByte = 0x00;
const newlineByte = 0x0a;
const replacementCharacter = '\uFFFD';

export interface BinaryContent {
  /** Newline bytes in the piece before the offending byte: the line it is on, relative to the piece's first line. */
  newlinesBefore: number;
  detail: string;
}

export const notUtf8 = 'is not UTF-8 text (a binary file, or text saved in another encoding such as Latin-1?)';

/**
 * The first NUL or invalid UTF-8 in `piece`, given the text a streaming, non-fatal decoder made of it
 * and the three bytes before it (a character may straddle pieces); undefined if the piece is text.
 */
export function findBinaryContent(
  piece: Uint8Array,
  previousTail: Uint8Array,
  text: string,
): BinaryContent | undefined {
  const nul = piece.indexOf(nulByte);
  let invalid = -1;
  if (text.includes(replacementCharacter)) {
    const inJoined = firstInvalidUtf8Offset(concatBytes(previousTail, piece));
    // An error inside the tail is a character begun in the previous piece and broken by this one's first bytes.
    if (inJoined !== -1) invalid = Math.max(0, inJoined - previousTail.length);
  }
  if (nul === -1 && invalid === -1) return undefined;
  if (invalid === -1 || (nul !== -1 && nul < invalid)) {
    return {
      newlinesBefore: countNewlines(piece, nul),
      detail: 'contains a NUL byte, so this is a binary file, not text',
    };
  }
  return { newlinesBefore: countNewlines(piece, invalid), detail: notUtf8 };
}

/** The stream's last three bytes: enough to hold the start of a character that the next piece completes. */
export function lastThreeBytes(previousTail: Uint8Array, piece: Uint8Array): Uint8Array {
  return piece.length >= 3 ? piece.slice(-3) : concatBytes(previousTail, piece).slice(-3);
}

function concatBytes(first: Uint8Array, second: Uint8Array): Uint8Array {
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first);
  joined.set(second, first.length);
  return joined;
}

/** Newline bytes before `end`. In UTF-8 the byte 0x0A never occurs inside a multi-byte character. */
function countNewlines(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let at = bytes.indexOf(newlineByte); at !== -1 && at < end; at = bytes.indexOf(newlineByte, at + 1)) count++;
  return count;
}

/**
 * Offset of the first byte sequence that is not well-formed UTF-8 (the rules of RFC 3629 / the
 * WHATWG decoder: no overlongs, no surrogates, nothing above U+10FFFF), or -1 if there is none.
 * Up to three leading continuation bytes are skipped: callers start the scan a few bytes before the
 * region of interest, possibly inside a character. A sequence cut off by the end of `bytes` is not
 * reported; more bytes may complete it.
 */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let at = 0;
  while (at < 3 && at < bytes.length && isContinuation(bytes[at]!)) at++;
  while (at < bytes.length) {
    const lead = bytes[at]!;
    if (lead < 0x80) {
      at++;
      continue;
    }
    const rule = sequenceRule(lead);
    if (!rule) return at;
    for (let k = 1; k < rule.length; k++) {
      if (at + k >= bytes.length) return -1;
      const next = bytes[at + k]!;
      const [low, high] = k === 1 ? [rule.secondLow, rule.secondHigh] : [0x80, 0xbf];
      if (next < low || next > high) return at;
    }
    at += rule.length;
  }
  return -1;
}

function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

interface SequenceRule {
  length: number;
  /** The second byte's range is narrower for some lead bytes; that is what excludes overlongs and surrogates. */
  secondLow: number;
  secondHigh: number;
}

function sequenceRule(lead: number): SequenceRule | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return { length: 2, secondLow: 0x80, secondHigh: 0xbf };
  if (lead === 0xe0) return { length: 3, secondLow: 0xa0, secondHigh: 0xbf };
  if (lead === 0xed) return { length: 3, secondLow: 0x80, secondHigh: 0x9f };
  if (lead >= 0xe1 && lead <= 0xef) return { length: 3, secondLow: 0x80, secondHigh: 0xbf };
  if (lead === 0xf0) return { length: 4, secondLow: 0x90, secondHigh: 0xbf };
  if (lead === 0xf4) return { length: 4, secondLow: 0x80, secondHigh: 0x8f };
  if (lead >= 0xf1 && lead <= 0xf3) return { length: 4, secondLow: 0x80, secondHigh: 0xbf };
  return undefined;
}
