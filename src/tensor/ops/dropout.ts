// Dropout with a counter-based generator (Philox-4x32-10 in shaders/dropout.wgsl): the mask is a pure
// function of (seed, step, element index), so the backward regenerates it instead of storing it.
import { shaderConstant } from '../../gpu';
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import type { Tensor } from '../tensor';
import { grid1d } from '../workgroups';

const elementsPerInvocation = 4; // one Philox block yields four 32-bit words
const invocationsPerGroup = shaderConstant('dropout', 'WORKGROUP');

export interface RandomStream {
  /** Any u32; separate dropout sites in one step should use separate seeds. */
  seed: number;
  /** The training step (u32): a new mask each step without reseeding. */
  step: number;
}

function checkU32(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new Error(`Dropout ${name} must be a u32, got ${value}`);
}

/** Elements whose word is below this are dropped: P(word < threshold) = threshold / 2³² ≈ p. */
function dropThreshold(p: number): number {
  return Math.min(0xffffffff, Math.round(p * 2 ** 32));
}

function runDropout(
  engine: Engine,
  entry: 'dropout_main' | 'bits_main',
  bindings: Record<string, Tensor>,
  n: number,
  p: number,
  { seed, step }: RandomStream,
  label: string,
): void {
  checkU32(seed, 'seed');
  checkU32(step, 'step');
  engine.run({
    shader: 'dropout',
    entry,
    uniforms: { n, threshold: dropThreshold(p), scale: 1 / (1 - p), seed, step },
    bindings,
    workgroups: grid1d(Math.ceil(n / elementsPerInvocation), invocationsPerGroup),
    label,
  });
}

/** The generator's raw u32 words for elements 0..n-1 of a stream (the ones dropout compares). */
export function randomBits(engine: Engine, n: number, stream: RandomStream): Tensor {
  const bits = engine.empty([n], 'u32', 'random_bits');
  runDropout(engine, 'bits_main', { random_bits: bits }, n, 0, stream, 'random_bits');
  return bits;
}

type DropoutSaved = { p: number; stream: RandomStream };

const dropoutOp: Op<[Tensor, number, RandomStream], DropoutSaved> = {
  name: 'dropout',
  forward(engine, x, p, stream) {
    const y = engine.empty(x.shape, 'f32', 'dropout');
    runDropout(engine, 'dropout_main', { dropout_x: x, dropout_y: y }, x.size, p, stream, 'dropout');
    return { out: y, saved: { p, stream } };
  },
  backward(engine, dy, { p, stream }) {
    const dx = engine.empty(dy.shape, 'f32', 'ddropout');
    runDropout(engine, 'dropout_main', { dropout_x: dy, dropout_y: dx }, dy.size, p, stream, 'dropout.backward');
    return [dx];
  },
};

export const dropoutOps = { dropout: dropoutOp };

/**
 * Zeroes each element with probability p and scales the rest by 1/(1−p). The mask depends only on
 * (seed, step, index); p = 0 returns `x` itself.
 */
export function dropout(x: Tensor, p: number, seed: number, step: number): Tensor {
  if (!(p >= 0 && p < 1)) throw new Error(`Dropout probability must be in [0, 1), got ${p}`);
  if (p === 0) return x;
  return apply(dropoutOp, x, p, { seed, step });
}
