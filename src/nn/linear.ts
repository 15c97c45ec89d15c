import type { Engine } from '../tensor/engine';
import { add } from '../tensor/ops/elementwise';
import { matmul } from '../tensor/ops/matmul';
import type { Tensor } from '../tensor/tensor';
import { parameterSeed, uniformValues, xavierScale } from './init';

export interface LinearOptions {
  bias?: boolean;
  initSeed: number;
  /** Half-width of the uniform init; default Xavier. */
  initScale?: number;
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
    { bias = true, initSeed, initScale = xavierScale(inFeatures, outFeatures) }: LinearOptions,
  ) {
    this.weight = engine.parameter(uniformValues(inFeatures * outFeatures, initScale, parameterSeed(initSeed, `${name}.weight`)), [outFeatures, inFeatures], `${name}.weight`);
    this.bias = bias ? engine.parameter(new Float32Array(outFeatures), [outFeatures], `${name}.bias`) : undefined;
  }

  forward(x: Tensor): Tensor {
    const y = matmul(x, this.weight, { transposeB: true });
    return this.bias ? add(y, this.bias) : y;
  }

  parameters(): Tensor[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }
}
