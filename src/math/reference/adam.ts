// Float64 reference of src/nn/adam.ts (shaders/grad_norm.wgsl + shaders/adam.wgsl): several
// Adam / AdamW steps with global gradient-norm clipping and per-parameter learning rates; parameters
// with rule 'sgd' take plain SGD steps (L2 weight decay in the gradient, as torch.optim.SGD).

export interface AdamReferenceParam {
  value: ArrayLike<number>;
  lr: number;
  weightDecay: number;
  /** Default 'adam'. */
  rule?: 'adam' | 'sgd';
}

export interface AdamReferenceHyper {
  beta1: number;
  beta2: number;
  eps: number;
  decoupled: boolean;
  /** 0: no clipping. */
  clipNorm: number;
}

export interface AdamReferenceResult {
  values: Float64Array[];
  /** Global gradient norm of each step. */
  norms: number[];
  /** Clip scale of each step (0 when the norm was not finite and the step was skipped). */
  scales: number[];
}

/** `grads[s][i]` is parameter i's gradient at step s, or undefined when it has none that step. */
export function adamReference(
  params: AdamReferenceParam[],
  grads: (ArrayLike<number> | undefined)[][],
  hyper: AdamReferenceHyper,
): AdamReferenceResult {
  const values = params.map((p) => Float64Array.from(p.value));
  const m = params.map((p) => new Float64Array(p.value.length));
  const v = params.map((p) => new Float64Array(p.value.length));
  const steps = params.map(() => 0);
  const norms: number[] = [];
  const scales: number[] = [];
  for (const stepGrads of grads) {
    let squares = 0;
    for (const g of stepGrads) if (g) for (let k = 0; k < g.length; k++) squares += g[k]! * g[k]!;
    const norm = Math.sqrt(squares);
    const clipped = hyper.clipNorm > 0 ? Math.min(1, hyper.clipNorm / (norm + 1e-6)) : 1;
    const scale = Number.isFinite(norm) ? clipped : 0;
    norms.push(norm);
    scales.push(scale);
    params.forEach(({ lr, weightDecay, rule }, i) => {
      const g = stepGrads[i];
      if (!g) return;
      steps[i]++;
      if (scale === 0) return;
      const p = values[i]!;
      if (rule === 'sgd') {
        for (let k = 0; k < p.length; k++) p[k] = p[k]! - lr * (g[k]! * scale + weightDecay * p[k]!);
        return;
      }
      const bias1 = 1 - hyper.beta1 ** steps[i]!;
      const bias2 = 1 - hyper.beta2 ** steps[i]!;
      for (let k = 0; k < p.length; k++) {
        const gk = g[k]! * scale + (hyper.decoupled ? 0 : weightDecay * p[k]!);
        m[i]![k] = hyper.beta1 * m[i]![k]! + (1 - hyper.beta1) * gk;
        v[i]![k] = hyper.beta2 * v[i]![k]! + (1 - hyper.beta2) * gk * gk;
        const decayed = hyper.decoupled ? p[k]! * (1 - lr * weightDecay) : p[k]!;
        p[k] = decayed - (lr * (m[i]![k]! / bias1)) / (Math.sqrt(v[i]![k]! / bias2) + hyper.eps);
      }
    });
  }
  return { values, norms, scales };
}
