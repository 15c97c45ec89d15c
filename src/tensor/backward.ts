// The reverse pass, apart from the tape that autograd.ts records: summing gradients takes an op (add),
// and every op records itself through autograd.ts, so in one module the two imported each other.
import type { Engine } from './engine';
import { add } from './ops/elementwise';
import type { Tensor } from './tensor';

/**
 * Reverse pass over the tape. Gradient contributions to the same tensor are summed in tape order,
 * so the result is deterministic. Leaves that require gradients get `.grad`.
 */
export function backward(engine: Engine, loss: Tensor, seed?: Tensor): void {
  const grads = new Map<Tensor, Tensor>();
  const produced = new Set<Tensor>();
  grads.set(loss, seed ?? engine.fill(loss.shape, 1));
  const tape = engine.tape;
  engine.tape = [];
  engine.withoutGradients(() => {
    for (let i = tape.length - 1; i >= 0; i--) {
      const entry = tape[i]!;
      produced.add(entry.output);
      const gradOut = grads.get(entry.output);
      if (!gradOut) continue;
      const inputGrads = entry.op.backward(engine, gradOut, entry.saved, entry.needs);
      entry.inputs.forEach((input, k) => {
        const grad = inputGrads[k];
        if (!entry.needs[k] || !grad) return;
        const existing = grads.get(input);
        // Out of place: a backward may hand the same tensor to several inputs (add returns g twice).
        grads.set(input, existing ? add(existing, grad) : grad);
      });
    }
  });
  for (const [tensor, grad] of grads) {
    if (!produced.has(tensor) && tensor.requiresGrad && tensor !== loss) tensor.grad = grad;
  }
}
