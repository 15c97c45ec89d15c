import { randomArray } from '../../math/random';
import {
  lstmCellOutputBackward,
  lstmCellReference,
  lstmCellStateBackward,
  type LstmHalfGradients,
} from '../../math/reference/lstm';
import { LstmCell } from '../../nn/lstm';
import { concat } from '../../tensor/ops/shape';
import { lstmCell, lstmCellOutput, lstmCellState } from '../../tensor/ops/lstm';
import type { Tensor } from '../../tensor/tensor';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';

/** N rows, H units. Gate pre-activations in ±3 reach the sigmoids' and tanh's flat ends. */
function lstmInputs(n: number, hidden: number, seed: number) {
  return {
    gates: Float32Array.from(randomArray(n * 4 * hidden, seed, -3, 3)),
    cell: Float32Array.from(randomArray(n * hidden, seed + 1, -2, 2)),
    upstream: Float32Array.from(randomArray(n * hidden, seed + 2)),
  };
}

const sizes = (n: number, hidden: number) => `N=${n} H=${hidden}`;

function forwardCheck(n: number, hidden: number): KernelCheck {
  return {
    kernel: 'lstmCellState + lstmCellOutput (c, h)',
    sizes: sizes(n, hidden),
    tolerance: 1e-5,
    async run(engine) {
      const { gates, cell } = lstmInputs(n, hidden, n + hidden);
      const { c, h } = engine.tidy(() =>
        lstmCell(engine.tensor(gates, [n, 4 * hidden]), engine.tensor(cell, [n, hidden])),
      );
      const actual = [...(await c.read()), ...(await h.read())];
      c.release();
      h.release();
      const reference = lstmCellReference(gates, cell, hidden);
      return { actual, reference: [...reference.c, ...reference.h] };
    },
  };
}

/** Backward of one half: `op(gates, cell)` seeded with `upstream`, against `reference`. */
function backwardCheck(
  name: string,
  op: (gates: Tensor, cell: Tensor) => Tensor,
  reference: (gates: Float32Array, cell: Float32Array, upstream: Float32Array, hidden: number) => LstmHalfGradients,
  n: number,
  hidden: number,
): KernelCheck {
  return {
    kernel: `${name} backward (dgates, dcell)`,
    sizes: sizes(n, hidden),
    tolerance: 1e-5,
    async run(engine) {
      const { gates, cell, upstream } = lstmInputs(n, hidden, 3 * n + hidden);
      const grads = await engine.tidy(() => {
        const inputs = [engine.tensor(gates, [n, 4 * hidden]), engine.tensor(cell, [n, hidden])] as const;
        for (const t of inputs) t.requiresGrad = true;
        engine.backward(op(...inputs), engine.tensor(upstream, [n, hidden]));
        return Promise.all(inputs.map((t) => t.grad!.read()));
      });
      const { dgates, dcell } = reference(gates, cell, upstream, hidden);
      return { actual: grads.flatMap((g) => [...g]), reference: [...dgates, ...dcell] };
    },
  };
}

const cases: [number, number][] = [
  [1, 1],
  [3, 17],
  [17, 33],
  [65, 3],
];

function cellGradient(n: number, hidden: number): KernelCheck[] {
  const { gates, cell } = lstmInputs(n, hidden, 5);
  const inputs = [
    { data: gates, shape: [n, 4 * hidden] },
    { data: cell, shape: [n, hidden] },
  ];
  const both = ([g, c]: Tensor[]) => {
    const next = lstmCell(g!, c!);
    return concat([next.h, next.c], 1);
  };
  return [
    gradientCheck('lstmCellState', sizes(n, hidden), inputs, () => ({ f: ([g, c]) => lstmCellState(g!, c!) }), {
      differentiates: ['lstmCellState'],
    }),
    gradientCheck('lstmCellOutput', sizes(n, hidden), inputs, () => ({ f: ([g, c]) => lstmCellOutput(g!, c!) }), {
      differentiates: ['lstmCellOutput'],
    }),
    gradientCheck('lstmCell [h | c]', sizes(n, hidden), inputs, () => ({ f: both })),
  ];
}

/** LstmCell.step w.r.t. x, h and c: the gate products, the shared bias and both halves together. */
function moduleGradient(batch: number, inputSize: number, hidden: number): KernelCheck {
  const data = (count: number, seed: number) => Float32Array.from(randomArray(count, seed));
  const inputs = [
    { data: data(batch * inputSize, 1), shape: [batch, inputSize] },
    { data: data(batch * hidden, 2), shape: [batch, hidden] },
    { data: data(batch * hidden, 3), shape: [batch, hidden] },
  ];
  return gradientCheck('LstmCell.step [h | c]', `B=${batch} in=${inputSize} H=${hidden}`, inputs, (engine) => {
    // A larger init than the default 0.1 so the gates leave the sigmoids' linear middle.
    const cell = new LstmCell(engine, 'selftest.lstm', inputSize, hidden, { initSeed: 3, initScale: 0.8 });
    return {
      f: ([x, h, c]) => {
        const next = cell.step(x!, { h: h!, c: c! });
        return concat([next.h, next.c], 1);
      },
      release: () => cell.parameters().forEach((p) => p.release()),
    };
  });
}

export const lstmChecks: KernelCheck[] = [
  ...cases.map(([n, hidden]) => forwardCheck(n, hidden)),
  ...cases.map(([n, hidden]) => backwardCheck('lstmCellState', lstmCellState, lstmCellStateBackward, n, hidden)),
  ...cases.map(([n, hidden]) => backwardCheck('lstmCellOutput', lstmCellOutput, lstmCellOutputBackward, n, hidden)),
  ...cellGradient(3, 5),
  moduleGradient(2, 3, 5),
];
