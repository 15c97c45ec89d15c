import type { Engine } from '../tensor/engine';
import { matmul } from '../tensor/ops/matmul';
import type { Tensor } from '../tensor/tensor';
import { parameterSeed, uniformValues, xavierScale } from './init';

/**
 * y = x·Wᵀ + b for W [out, in], x [N, in] or [Z, N, in]: Linear's map on tensors it does not own. The
 * bias is added as the product stores its output (one dispatch).
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | undefined): Tensor {
  return matmul(x, weight, { transposeB: true, bias });
}

export interface LinearOptions {
  bias?: boolean;
  initSeed: number;
  /** Half-width of the uniform init; default Xavier. */
  initScale?: number;
  /**
   * Rows of out / parts.length outputs each, initialised as separate layers named `part` would be
   * (their own seeds and Xavier bound): one product for attention's Q, K and V that starts where
   * three layers did.
   */
  parts?: readonly string[];
}

/**
 * y = x·Wᵀ + b with W stored [out, in] (so an embedding table [V, d] can serve as a tied output
 * matrix without a copy). x may be [N, in] or [Z, N, in].
 */
export class Linear {
  readonly weight: Tensor;
  readonly bias: Tensor | undefined;

  constructor(
    engine: Engine,
    readonly name: string,
    readonly inFeatures: number,
    readonly outFeatures: number,
    { bias = true, initSeed, initScale, parts = [name] }: LinearOptions,
  ) {
    const rows = outFeatures / parts.length;
    const scale = initScale ?? xavierScale(inFeatures, rows);
    const initial = new Float32Array(inFeatures * outFeatures);
    parts.forEach((part, i) =>
      initial.set(
        uniformValues(inFeatures * rows, scale, parameterSeed(initSeed, `${part}.weight`)),
        i * inFeatures * rows,
      ),
    );
    this.weight = engine.parameter(initial, [outFeatures, inFeatures], `${name}.weight`);
    this.bias = bias ? engine.parameter(new Float32Array(outFeatures), [outFeatures], `${name}.bias`) : undefined;
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  parameters(): Tensor[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }
}
