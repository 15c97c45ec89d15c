import type { Engine } from './engine';
import { Tensor } from './tensor';

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
