// One LSTM layer's cell: gates = x·W_ihᵀ + h·W_hhᵀ + b, then the fused cell update
// (src/tensor/ops/lstm.ts). Shape legend: B batch, I input size, H hidden size; gate blocks [i | f | g | o].
import type { Engine } from '../tensor/engine';
import { add } from '../tensor/ops/elementwise';
import { lstmCell } from '../tensor/ops/lstm';
import type { Tensor } from '../tensor/tensor';
import { Linear } from './linear';

export interface LstmState {
  h: Tensor;
  c: Tensor;
}

export interface LstmCellOptions {
  initSeed: number;
  /** Weights start U(−s, s) as in the reference OpenNMT code; default 0.1. Biases start at 0. */
  initScale?: number;
}

export class LstmCell {
  private readonly input: Linear;
  private readonly recurrent: Linear;

  constructor(
    private readonly engine: Engine,
    readonly name: string,
    readonly inputSize: number,
    readonly hiddenSize: number,
    { initSeed, initScale = 0.1 }: LstmCellOptions,
  ) {
    // The two products share one bias: a second one would only add a redundant parameter.
    this.input = new Linear(engine, `${name}.ih`, inputSize, 4 * hiddenSize, { initSeed, initScale });
    this.recurrent = new Linear(engine, `${name}.hh`, hiddenSize, 4 * hiddenSize, { initSeed, initScale, bias: false });
  }

  /** x [B, I] and the previous state ([B, H] each) → the next state. */
  step(x: Tensor, state: LstmState): LstmState {
    return lstmCell(add(this.input.forward(x), this.recurrent.forward(state.h)), state.c);
  }

  /** h = c = 0 for a batch of `batch` sequences. */
  zeroState(batch: number): LstmState {
    return {
      h: this.engine.fill([batch, this.hiddenSize], 0, `${this.name}.h0`),
      c: this.engine.fill([batch, this.hiddenSize], 0, `${this.name}.c0`),
    };
  }

  /** W_ih [4H, I], b [4H], W_hh [4H, H]. */
  parameters(): Tensor[] {
    return [...this.input.parameters(), ...this.recurrent.parameters()];
  }
}
