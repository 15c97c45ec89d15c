// Fused LSTM cell (shaders/lstm.wgsl) as two ops, since an op returns one tensor:
//   lstmCellState(gates, c_prev) → c = σ(f)·c_prev + σ(i)·tanh(g)
//   lstmCellOutput(gates, c)     → h = σ(o)·tanh(c)
// Shape legend: N rows, H hidden units; gates [N, 4H] are pre-activations in blocks [i | f | g | o].
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import { describeShape, type Tensor } from '../tensor';
import { grid1d } from '../workgroups';

function checkShapes(op: string, gates: Tensor, cell: Tensor): void {
  const [n, width] = gates.shape;
  const ok =
    gates.rank === 2 && cell.rank === 2 && width! % 4 === 0 && cell.shape[0] === n && cell.shape[1] === width! / 4;
  if (!ok || gates.dtype !== 'f32' || cell.dtype !== 'f32') {
    throw new Error(
      `${op} needs f32 gates [N, 4H] and cell [N, H], got gates ${gates.dtype}${describeShape(gates.shape)} and cell ${cell.dtype}${describeShape(cell.shape)}`,
    );
  }
}

function run(engine: Engine, entry: string, cell: Tensor, bindings: Record<string, Tensor>, label: string): void {
  if (cell.size === 0) return;
  engine.run({
    shader: 'lstm',
    entry,
    uniforms: { count: cell.size, hidden: cell.shape[1]! },
    bindings,
    workgroups: grid1d(cell.size),
    label,
  });
}

type CellSaved = { gates: Tensor; cell: Tensor };

/** One of the two halves: `cell` is c_prev for the state op and c for the output op. */
function lstmHalf(name: string, forwardEntry: string, backwardEntry: string): Op<[Tensor, Tensor], CellSaved> {
  return {
    name,
    forward(engine, gates, cell) {
      checkShapes(name, gates, cell);
      const out = engine.empty(cell.shape, 'f32', name);
      run(engine, forwardEntry, cell, { gates, cell, fwd_out: out }, name);
      return { out, saved: { gates, cell } };
    },
    // One kernel writes both gradients: they share every activation it recomputes.
    backward(engine, g, { gates, cell }, needs) {
      const dgates = engine.empty(gates.shape, 'f32', `${name}.dgates`);
      const dcell = engine.empty(cell.shape, 'f32', `${name}.dcell`);
      run(
        engine,
        backwardEntry,
        cell,
        { gates, cell, bwd_upstream: g, bwd_dgates: dgates, bwd_dcell: dcell },
        `${name}.backward`,
      );
      return [needs[0] ? dgates : undefined, needs[1] ? dcell : undefined];
    },
  };
}

export const lstmOps = {
  lstmCellState: lstmHalf('lstmCellState', 'state_forward_main', 'state_backward_main'),
  lstmCellOutput: lstmHalf('lstmCellOutput', 'output_forward_main', 'output_backward_main'),
};

/** c = σ(f)·c_prev + σ(i)·tanh(g) from gates [N, 4H] = [i | f | g | o] and c_prev [N, H]. */
export const lstmCellState = (gates: Tensor, cPrev: Tensor) => apply(lstmOps.lstmCellState, gates, cPrev);

/** h = σ(o)·tanh(c) from gates [N, 4H] = [i | f | g | o] and the new cell c [N, H]. */
export const lstmCellOutput = (gates: Tensor, c: Tensor) => apply(lstmOps.lstmCellOutput, gates, c);

/** The LSTM cell update; differentiable in gates and c_prev. */
export function lstmCell(gates: Tensor, cPrev: Tensor): { h: Tensor; c: Tensor } {
  const c = lstmCellState(gates, cPrev);
  return { h: lstmCellOutput(gates, c), c };
}
