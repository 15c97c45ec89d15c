import type { Engine } from './engine';
import { Tensor } from './tensor';
import { add } from './ops/elementwise';

/**
 * An op is its forward and its backward side by side. `backward` is a required member, so an op
 * without one does not compile. `backward` returns one gradient per Tensor argument, in order;
 * `needs[i]` says whether the i-th tensor argument wants one (skip the work when it does not).
 */
export interface Op<Args extends unknown[], Saved> {
  readonly name: string;
  forward(engine: Engine, ...args: Args): { out: Tensor; saved: Saved };
  backward(engine: Engine, gradOut: Tensor, saved: Saved, needs: readonly boolean[]): (Tensor | undefined)[];
}

export interface TapeEntry {
  op: Op<never[], unknown>;
  saved: unknown;
  inputs: Tensor[];
  needs: boolean[];
  output: Tensor;
}

function engineOf(args: unknown[]): Engine {
  for (const arg of args) if (arg instanceof Tensor) return arg.engine;
  throw new Error('An op needs at least one Tensor argument');
}

/** Runs an op and, when gradients are being recorded and an input needs one, puts it on the tape. */
export function apply<Args extends unknown[], Saved>(op: Op<Args, Saved>, ...args: Args): Tensor {
  const engine = engineOf(args);
  const { out, saved } = op.forward(engine, ...args);
  const inputs = args.filter((a): a is Tensor => a instanceof Tensor);
  const needs = inputs.map((t) => t.requiresGrad);
  if (engine.recordingGradients && needs.some(Boolean)) {
    out.requiresGrad = true;
    engine.tape.push({ op: op as unknown as Op<never[], unknown>, saved, inputs, needs, output: out });
  }
  return out;
}

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
