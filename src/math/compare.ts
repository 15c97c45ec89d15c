/** Error of a GPU result against a float64 reference, as the self-test and the tests report it. */
export interface Deviation {
  maxAbs: number;
  /** max |a − r| / max(|r|, floor): relative where values are large, absolute near zero. */
  maxRel: number;
  /** Count of non-finite values where the reference is finite. */
  nonFinite: number;
}

export function deviation(actual: ArrayLike<number>, reference: ArrayLike<number>, floor = 1e-3): Deviation {
  if (actual.length !== reference.length) {
    throw new Error(`Length mismatch: ${actual.length} values against a reference of ${reference.length}`);
  }
  let maxAbs = 0;
  let maxRel = 0;
  let nonFinite = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const r = reference[i]!;
    if (!Number.isFinite(a)) {
      if (Number.isFinite(r) || a !== r) nonFinite++;
      continue;
    }
    const abs = Math.abs(a - r);
    maxAbs = Math.max(maxAbs, abs);
    maxRel = Math.max(maxRel, abs / Math.max(Math.abs(r), floor));
  }
  return { maxAbs, maxRel, nonFinite };
}
