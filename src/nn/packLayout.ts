// Where each parameter goes when the optimizer packs parameters into shared buffers (engine.pack), and
// the pieces its kernels cut the packs into (shaders/adam.wgsl, shaders/grad_norm.wgsl).

export interface Pack {
  /** Indices into the sizes given, in pack order. */
  members: number[];
  /** First element of each member, a multiple of the alignment. */
  starts: number[];
  /** Elements the pack's buffer holds: every member, each padded to the alignment. */
  floats: number;
}

const alignUp = (n: number, to: number) => Math.ceil(n / to) * to;

/**
 * Packs tensors of `sizes` elements in order, each at a multiple of `alignment` elements, opening a new
 * pack when the next would not fit in `capacity` elements (a storage binding's limit).
 */
export function packLayout(sizes: readonly number[], alignment: number, capacity: number): Pack[] {
  const packs: Pack[] = [];
  sizes.forEach((size, index) => {
    const padded = alignUp(Math.max(1, size), alignment);
    if (padded > capacity) throw new Error(`A parameter of ${size} elements exceeds one buffer (${capacity})`);
    let pack = packs.at(-1);
    if (!pack || pack.floats + padded > capacity) packs.push((pack = { members: [], starts: [], floats: 0 }));
    pack.members.push(index);
    pack.starts.push(pack.floats);
    pack.floats += padded;
  });
  return packs;
}

/** One workgroup's piece of a pack: vec4s [first, end) of member `row`. */
export interface PackJob {
  row: number;
  first: number;
  end: number;
}

/**
 * Cuts each member's vec4s (its elements rounded up to whole vec4s, which its padding leaves room
 * for) into pieces of at most `perJob`; a piece never straddles two members.
 */
export function packJobs(pack: Pack, sizes: readonly number[], perJob: number): PackJob[] {
  return pack.members.flatMap((member, row) => {
    const first = pack.starts[row]! / 4;
    const end = first + Math.ceil(sizes[member]! / 4);
    return Array.from({ length: Math.max(1, Math.ceil((end - first) / perJob)) }, (_, k) => ({
      row,
      first: first + k * perJob,
      end: Math.min(end, first + (k + 1) * perJob),
    }));
  });
}
