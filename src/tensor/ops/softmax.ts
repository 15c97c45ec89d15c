// Row softmax over the last axis with causal and key-padding masks (shaders/softmax.wgsl).
// Shape legend: x [..., T_q, T_k]; R rows = product of all dims but the last; B key lengths.
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import { describeShape, type Tensor } from '../tensor';
import { grid1d, rowWorkgroupSize } from '../workgroups';

export interface SoftmaxRowsOptions {
  /** Mask entry (i, j) with j > i, i being the row's index inside its T_q block. */
  causal?: boolean;
  /**
   * i32 [B]: row r belongs to batch entry b = r / (R / B), whose keys at columns ≥ keyLengths[b]
   * are padding (masked). Negative lengths mask every key; lengths past T_k mask none.
   */
  keyLengths?: Tensor;
}

interface SoftmaxGeometry {
  rows: number;
  width: number;
  blockRows: number;
  causal: boolean;
  keyLengths: Tensor | undefined;
}

type SoftmaxSaved = SoftmaxGeometry & { y: Tensor };

function run(engine: Engine, entry: string, g: SoftmaxGeometry, bindings: Record<string, Tensor>, label: string): void {
  engine.run({
    shader: 'softmax',
    entry,
    overrides: { WG: rowWorkgroupSize(engine, g.width) },
    uniforms: {
      rows: g.rows,
      width: g.width,
      block_rows: g.blockRows,
      causal: g.causal ? 1 : 0,
      rows_per_batch: g.keyLengths ? g.rows / g.keyLengths.size : 1,
      has_lengths: g.keyLengths ? 1 : 0,
    },
    bindings: { ...bindings, lengths: g.keyLengths },
    workgroups: grid1d(g.rows, 1),
    label,
  });
}

const softmaxRowsOp: Op<[Tensor, boolean, Tensor | undefined], SoftmaxSaved> = {
  name: 'softmaxRows',
  forward(engine, x, causal, keyLengths) {
    if (x.rank < 2 || x.dtype !== 'f32') {
      throw new Error(`softmaxRows needs an f32 tensor [..., T_q, T_k] of rank ≥ 2, got ${x}`);
    }
    const width = x.shape[x.rank - 1]!;
    const blockRows = x.shape[x.rank - 2]!;
    const rows = width === 0 ? x.size : x.size / width;
    if (keyLengths) {
      if (keyLengths.dtype !== 'i32' || keyLengths.rank !== 1 || keyLengths.size < 1 || rows % keyLengths.size !== 0) {
        throw new Error(
          `softmaxRows needs i32 keyLengths [B] with B dividing the ${rows} rows of ${describeShape(x.shape)}, got ${keyLengths}`,
        );
      }
    }
    const y = engine.empty(x.shape, 'f32', 'softmax.y');
    const g: SoftmaxGeometry = { rows, width, blockRows, causal, keyLengths };
    if (x.size > 0) run(engine, 'softmax_forward_main', g, { fwd_x: x, fwd_y: y }, 'softmaxRows');
    return { out: y, saved: { ...g, y } };
  },
  backward(engine, dy, saved, needs) {
    if (!needs[0]) return [undefined, undefined];
    const dx = engine.empty(saved.y.shape, 'f32', 'softmax.dx');
    if (dx.size > 0)
      run(engine, 'softmax_backward_main', saved, { bwd_y: saved.y, bwd_dy: dy, bwd_dx: dx }, 'softmaxRows.backward');
    return [dx, undefined];
  },
};

export const softmaxOps = { softmaxRows: softmaxRowsOp };

/**
 * Softmax over the last axis of x [..., T_q, T_k] (any rank ≥ 2). Masked entries (causal: column
 * j > row i of the T_q block; padding: column ≥ keyLengths[b]) get exactly 0, and a row with every
 * key masked is all zeros. Differentiable in x; keyLengths takes no gradient.
 */
export function softmaxRows(x: Tensor, { causal = false, keyLengths }: SoftmaxRowsOptions = {}): Tensor {
  return apply(softmaxRowsOp, x, causal, keyLengths);
}
