import { mulberry32 } from '../math/random';
import type { Engine } from '../tensor/engine';
import { ops, type OpName } from '../tensor/ops';
import type { Shape, Tensor } from '../tensor/tensor';
import type { KernelCheck } from './types';

export interface GradInput {
  data: Float32Array;
  shape: Shape;
  /** Inputs such as targets or masks that take no gradient. */
  constant?: boolean;
}

export interface GradCheckResult {
  /** Worst |analytic − numeric| / max(|analytic|, |numeric|, floor) over the directions tried. */
  maxRelError: number;
  analytic: number[];
  numeric: number[];
  /** The ops of the `ops` table whose backward the analytic gradient ran through. */
  differentiated: OpName[];
}

const opNames = new Map<unknown, OpName>(Object.entries(ops).map(([name, op]) => [op, name as OpName]));

async function weightedSum(
  engine: Engine,
  f: (inputs: Tensor[]) => Tensor,
  inputs: GradInput[],
  weights: Float64Array | undefined,
): Promise<{ value: number; outSize: number }> {
  const out = await engine
    .withoutGradients(() =>
      engine.tidy(() => {
        const tensors = inputs.map((x) => engine.tensor(x.data, x.shape, 'f32', 'gradcheck-input'));
        return f(tensors);
      }),
    )
    .read();
  let value = 0;
  for (let i = 0; i < out.length; i++) value += (weights?.[i] ?? 1) * out[i]!;
  return { value, outSize: out.length };
}

/**
 * Directional finite-difference check of an op's backward on the GPU: for random directions v,
 * compares ⟨∇(wᵀf), v⟩ from autograd with (wᵀf(x+εv) − wᵀf(x−εv)) / 2ε, where w is a random
 * weighting of the outputs. Central differences in f32 need ε around 1e-2 of the input scale.
 */
export async function gradCheck(
  engine: Engine,
  f: (inputs: Tensor[]) => Tensor,
  inputs: GradInput[],
  { eps = 1e-2, directions = 3, seed = 7, floor = 1e-2 } = {},
): Promise<GradCheckResult> {
  const random = mulberry32(seed);
  const { outSize } = await weightedSum(engine, f, inputs, undefined);
  const weights = Float64Array.from({ length: outSize }, () => random() * 2 - 1);
  const differentiated = new Set<OpName>();

  const grads = await engine.tidy(async () => {
    const tensors = inputs.map((x) => {
      const t = engine.tensor(x.data, x.shape, 'f32', 'gradcheck-input');
      t.requiresGrad = !x.constant;
      return t;
    });
    const recorded = engine.tape.length;
    const out = f(tensors);
    for (const entry of engine.tape.slice(recorded)) {
      const name = opNames.get(entry.op);
      if (name) differentiated.add(name);
    }
    engine.backward(out, engine.tensor(Float32Array.from(weights), out.shape, 'f32', 'gradcheck-seed'));
    return Promise.all(tensors.map((t, i) => (inputs[i]!.constant || !t.grad ? undefined : t.grad.read())));
  });
  engine.tape = [];

  const analytic: number[] = [];
  const numeric: number[] = [];
  let maxRelError = 0;
  for (let d = 0; d < directions; d++) {
    const dirs = inputs.map((x) => (x.constant ? undefined : Float64Array.from(x.data, () => random() * 2 - 1)));
    let a = 0;
    dirs.forEach((v, i) => {
      if (!v) return;
      const g = grads[i];
      for (let k = 0; k < v.length; k++) a += (g?.[k] ?? 0) * v[k]!;
    });
    const shifted = (sign: number) =>
      inputs.map((x, i) => {
        const v = dirs[i];
        return v ? { ...x, data: Float32Array.from(x.data, (value, k) => value + sign * eps * v[k]!) } : x;
      });
    const plus = (await weightedSum(engine, f, shifted(1), weights)).value;
    const minus = (await weightedSum(engine, f, shifted(-1), weights)).value;
    const n = (plus - minus) / (2 * eps);
    analytic.push(a);
    numeric.push(n);
    maxRelError = Math.max(maxRelError, Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), floor));
  }
  return { maxRelError, analytic, numeric, differentiated: [...differentiated] };
}

/** What a gradient self-test differentiates, built on the check's engine; `release` frees what `build` made. */
export interface GradientSubject {
  f: (inputs: Tensor[]) => Tensor;
  release?: () => void;
}

/**
 * `gradCheck` as a self-test entry: the analytic directional derivatives are the "actual" values,
 * the finite differences the "reference", so the report shows their worst relative gap.
 * `differentiates` names the ops whose backward it checks (test/unit/gradient-checks.test.ts demands
 * one for every op of the `ops` table); the check fails when one of them never reached the tape.
 */
export function gradientCheck(
  kernel: string,
  sizes: string,
  inputs: GradInput[],
  build: (engine: Engine) => GradientSubject,
  {
    differentiates = [],
    tolerance = 2e-3,
    floor = 1e-2,
    eps = 1e-2,
  }: { differentiates?: readonly OpName[]; tolerance?: number; floor?: number; eps?: number } = {},
): KernelCheck {
  return {
    kernel: `${kernel} gradient (finite differences)`,
    sizes,
    tolerance,
    floor,
    differentiates,
    async run(engine) {
      const { f, release } = build(engine);
      try {
        const { analytic, numeric, differentiated } = await gradCheck(engine, f, inputs, { eps, floor });
        const missing = differentiates.filter((name) => !differentiated.includes(name));
        if (missing.length > 0) throw new Error(`${kernel}: never differentiated ${missing.join(', ')}`);
        return { actual: analytic, reference: numeric };
      } finally {
        release?.();
      }
    },
  };
}
