// Float64 references of the fused softmax cross-entropy (shaders/softmax_xent.wgsl).
// Shape legend: N rows, V classes; logits are row-major [N, V].

function logSumExp(logits: ArrayLike<number>, base: number, width: number): number {
  let m = -Infinity;
  for (let c = 0; c < width; c++) m = Math.max(m, logits[base + c]!);
  let s = 0;
  for (let c = 0; c < width; c++) s += Math.exp(logits[base + c]! - m);
  return m + Math.log(s);
}

/** Per-row loss and log-sum-exp. Ignored rows get loss 0; other out-of-range targets NaN. */
export function softmaxCrossEntropy(
  logits: ArrayLike<number>,
  targets: ArrayLike<number>,
  rows: number,
  width: number,
  ignoreIndex = -1,
): { loss: Float64Array; lse: Float64Array } {
  const loss = new Float64Array(rows);
  const lse = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    lse[r] = logSumExp(logits, r * width, width);
    const t = targets[r]!;
    if (t === ignoreIndex) loss[r] = 0;
    else loss[r] = t >= 0 && t < width ? lse[r]! - logits[r * width + t]! : NaN;
  }
  return { loss, lse };
}

/** dlogits = (softmax − onehot(target)) · gradLoss[row], zero on ignored rows. */
export function softmaxCrossEntropyBackward(
  logits: ArrayLike<number>,
  targets: ArrayLike<number>,
  gradLoss: ArrayLike<number>,
  rows: number,
  width: number,
  ignoreIndex = -1,
): Float64Array {
  const dlogits = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    if (targets[r] === ignoreIndex) continue;
    const lse = logSumExp(logits, r * width, width);
    for (let c = 0; c < width; c++) {
      const p = Math.exp(logits[r * width + c]! - lse);
      dlogits[r * width + c] = (p - (c === targets[r] ? 1 : 0)) * gradLoss[r]!;
    }
  }
  return dlogits;
}
