// Paul Tol's "bright" qualitative scheme: distinct under the common colour-vision deficiencies and
// readable on both the light and the dark card background. https://personal.sron.nl/~pault/
const palette = ['#4477AA', '#EE6677', '#228833', '#CCBB44', '#66CCEE', '#AA3377', '#BBBBBB'] as const;

/**
 * The colour of run i; it depends only on i, so a run keeps its colour as others are added. Past 7 runs the palette
 * repeats.
 */
export function runColor(index: number): string {
  return palette[((index % palette.length) + palette.length) % palette.length]!;
}

/** Colours for runs 0 … n−1. */
export function runColors(n: number): string[] {
  return Array.from({ length: Math.max(0, n) }, (_, i) => runColor(i));
}
