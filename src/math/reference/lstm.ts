// Float64 references of the fused LSTM cell (shaders/lstm.wgsl). gates is [N, 4H] in blocks
// [i | f | g | o]; the cell arrays are [N, H].

export interface LstmHalfGradients {
  dgates: Float64Array;
  dcell: Float64Array;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Calls `fn` for every unit: `at` indexes the cell arrays, `gateAt(k)` the unit's column in gate block k. */
function eachUnit(count: number, hidden: number, fn: (at: number, gateAt: (block: number) => number) => void): void {
  for (let at = 0; at < count; at++) {
    const row = Math.floor(at / hidden);
    fn(at, (block) => row * 4 * hidden + block * hidden + (at % hidden));
  }
}

function activations(gates: ArrayLike<number>, gateAt: (block: number) => number) {
  return {
    i: sigmoid(gates[gateAt(0)]!),
    f: sigmoid(gates[gateAt(1)]!),
    g: Math.tanh(gates[gateAt(2)]!),
    o: sigmoid(gates[gateAt(3)]!),
  };
}

/** c = σ(f)·c_prev + σ(i)·tanh(g) and h = σ(o)·tanh(c). */
export function lstmCellReference(
  gates: ArrayLike<number>,
  cPrev: ArrayLike<number>,
  hidden: number,
): { c: Float64Array; h: Float64Array } {
  const c = new Float64Array(cPrev.length);
  const h = new Float64Array(cPrev.length);
  eachUnit(cPrev.length, hidden, (at, gateAt) => {
    const a = activations(gates, gateAt);
    c[at] = a.f * cPrev[at]! + a.i * a.g;
    h[at] = a.o * Math.tanh(c[at]!);
  });
  return { c, h };
}

/** Gradients of Σ dc·c with c = lstmCellState(gates, c_prev); dcell is the one of c_prev. */
export function lstmCellStateBackward(
  gates: ArrayLike<number>,
  cPrev: ArrayLike<number>,
  dc: ArrayLike<number>,
  hidden: number,
): LstmHalfGradients {
  const dgates = new Float64Array(gates.length);
  const dcell = new Float64Array(cPrev.length);
  eachUnit(cPrev.length, hidden, (at, gateAt) => {
    const { i, f, g } = activations(gates, gateAt);
    dgates[gateAt(0)] = dc[at]! * g * i * (1 - i);
    dgates[gateAt(1)] = dc[at]! * cPrev[at]! * f * (1 - f);
    dgates[gateAt(2)] = dc[at]! * i * (1 - g * g);
    dcell[at] = dc[at]! * f;
  });
  return { dgates, dcell };
}

/** Gradients of Σ dh·h with h = lstmCellOutput(gates, c); dcell is the one of c. */
export function lstmCellOutputBackward(
  gates: ArrayLike<number>,
  c: ArrayLike<number>,
  dh: ArrayLike<number>,
  hidden: number,
): LstmHalfGradients {
  const dgates = new Float64Array(gates.length);
  const dcell = new Float64Array(c.length);
  eachUnit(c.length, hidden, (at, gateAt) => {
    const { o } = activations(gates, gateAt);
    const t = Math.tanh(c[at]!);
    dgates[gateAt(3)] = dh[at]! * t * o * (1 - o);
    dcell[at] = dh[at]! * o * (1 - t * t);
  });
  return { dgates, dcell };
}
