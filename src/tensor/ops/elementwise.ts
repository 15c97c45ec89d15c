// Elementwise ops over f32 tensors of rank ≤ 4, with NumPy broadcasting for binary ops.
import { shaderConstant } from '../../gpu';
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import { describeShape, sizeOf, type Shape, type Tensor } from '../tensor';
import { grid1d } from '../workgroups';

const unaryNames = ['exp', 'log', 'tanh', 'sigmoid', 'relu', 'gelu', 'scale', 'neg', 'square', 'sqrt'] as const;
export type UnaryName = (typeof unaryNames)[number];
const binaryNames = ['add', 'sub', 'mul', 'div'] as const;
export type BinaryName = (typeof binaryNames)[number];

/** The OP override for each op: `UNARY_EXP`, `BINARY_ADD`, … in shaders/elementwise.wgsl. */
const opCodes = <Name extends string>(prefix: string, names: readonly Name[]) =>
  Object.fromEntries(
    names.map((name) => [name, shaderConstant('elementwise', `${prefix}_${name.toUpperCase()}`)]),
  ) as Record<Name, number>;
const unaryCodes = opCodes('UNARY', unaryNames);
const binaryCodes = opCodes('BINARY', binaryNames);

function padShape(shape: Shape): number[] {
  if (shape.length > 4) throw new Error(`Elementwise ops support rank ≤ 4, got ${describeShape(shape)}`);
  return [...Array(4 - shape.length).fill(1), ...shape];
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function broadcastShapes(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`Shapes ${describeShape(a)} and ${describeShape(b)} do not broadcast`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Strides of `shape` read as `outShape` (rank 4): 0 along broadcast dimensions. */
function broadcastStrides(shape: Shape, outShape: readonly number[]): number[] {
  const padded = padShape(shape);
  const strides = contiguousStrides(padded);
  return padded.map((d, i) => (d === 1 && outShape[i]! !== 1 ? 0 : strides[i]!));
}

function runUnary(engine: Engine, name: UnaryName, x: Tensor, alpha: number): Tensor {
  const y = engine.empty(x.shape, 'f32', name);
  engine.run({
    shader: 'elementwise',
    entry: 'unary_main',
    overrides: { OP: unaryCodes[name] },
    uniforms: { n: x.size, alpha },
    bindings: { unary_x: x, unary_y: y },
    workgroups: grid1d(x.size),
    label: name,
  });
  return y;
}

function unaryOp(name: UnaryName): Op<[Tensor, number], { x: Tensor; y: Tensor; alpha: number }> {
  return {
    name,
    forward(engine, x, alpha) {
      const y = runUnary(engine, name, x, alpha);
      return { out: y, saved: { x, y, alpha } };
    },
    backward(engine, dy, { x, y, alpha }) {
      const dx = engine.empty(x.shape, 'f32', `d${name}`);
      engine.run({
        shader: 'elementwise',
        entry: 'unary_backward_main',
        overrides: { OP: unaryCodes[name] },
        uniforms: { n: x.size, alpha },
        bindings: { ub_x: x, ub_y: y, ub_dy: dy, ub_dx: dx },
        workgroups: grid1d(x.size),
        label: `${name}.backward`,
      });
      return [dx];
    },
  };
}

/** Outputs along the last dim one invocation of binary_main computes. */
const binaryRun = shaderConstant('elementwise', 'RUN');

function runBinary(engine: Engine, name: BinaryName, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const padded = padShape(shape);
  const out = engine.empty(shape, 'f32', name);
  if (out.size === 0) return out;
  const last = padded[3]!;
  const runsPerRow = Math.ceil(last / binaryRun);
  const runs = (out.size / last) * runsPerRow;
  engine.run({
    shader: 'elementwise',
    entry: 'binary_main',
    overrides: { OP: binaryCodes[name] },
    uniforms: {
      n: runs,
      runs_per_row: runsPerRow,
      shape: padded,
      a_strides: broadcastStrides(a.shape, padded),
      b_strides: broadcastStrides(b.shape, padded),
    },
    bindings: { bin_a: a, bin_b: b, bin_out: out },
    workgroups: grid1d(runs),
    label: name,
  });
  return out;
}

/** Sums `g` over the dimensions along which `target` was broadcast, giving a tensor of shape `target`. */
export function sumToShape(engine: Engine, g: Tensor, target: Shape): Tensor {
  if (sizeOf(target) === g.size && target.length <= g.rank) return g;
  const gShape = padShape(g.shape);
  const targetShape = padShape(target);
  const gStrides = contiguousStrides(gShape);
  const reduceShape = gShape.map((d, i) => (targetShape[i] === 1 && d !== 1 ? d : 1));
  const out = engine.empty(target, 'f32', 'sum_to_shape');
  engine.run({
    shader: 'elementwise',
    entry: 'reduce_to_shape',
    uniforms: {
      n: out.size,
      target_shape: targetShape,
      reduce_shape: reduceShape,
      g_strides_keep: gStrides.map((s, i) => (reduceShape[i] === 1 ? s : 0)),
      g_strides_sum: gStrides.map((s, i) => (reduceShape[i] === 1 ? 0 : s)),
    },
    bindings: { red_g: g, red_r: out },
    workgroups: grid1d(out.size),
    label: 'sum_to_shape',
  });
  return out;
}

type BinarySaved = { a: Tensor; b: Tensor };

function binaryOp(
  name: BinaryName,
  grads: (e: Engine, g: Tensor, s: BinarySaved) => [() => Tensor, () => Tensor],
): Op<[Tensor, Tensor], BinarySaved> {
  return {
    name,
    forward(engine, a, b) {
      return { out: runBinary(engine, name, a, b), saved: { a, b } };
    },
    backward(engine, g, saved, needs) {
      const [da, db] = grads(engine, g, saved);
      return [
        needs[0] ? sumToShape(engine, da(), saved.a.shape) : undefined,
        needs[1] ? sumToShape(engine, db(), saved.b.shape) : undefined,
      ];
    },
  };
}

export const elementwiseOps = {
  add: binaryOp('add', (_e, g) => [() => g, () => g]),
  sub: binaryOp('sub', (e, g) => [() => g, () => runUnary(e, 'neg', g, 0)]),
  mul: binaryOp('mul', (e, g, { a, b }) => [() => runBinary(e, 'mul', g, b), () => runBinary(e, 'mul', g, a)]),
  div: binaryOp('div', (e, g, { a, b }) => [
    () => runBinary(e, 'div', g, b),
    // d(a/b)/db = -(a/b)/b
    () => runUnary(e, 'neg', runBinary(e, 'mul', g, runBinary(e, 'div', runBinary(e, 'div', a, b), b)), 0),
  ]),
  exp: unaryOp('exp'),
  log: unaryOp('log'),
  tanh: unaryOp('tanh'),
  sigmoid: unaryOp('sigmoid'),
  relu: unaryOp('relu'),
  gelu: unaryOp('gelu'),
  scale: unaryOp('scale'),
  neg: unaryOp('neg'),
  square: unaryOp('square'),
  sqrt: unaryOp('sqrt'),
};

export const add = (a: Tensor, b: Tensor) => apply(elementwiseOps.add, a, b);
export const sub = (a: Tensor, b: Tensor) => apply(elementwiseOps.sub, a, b);
export const mul = (a: Tensor, b: Tensor) => apply(elementwiseOps.mul, a, b);
export const div = (a: Tensor, b: Tensor) => apply(elementwiseOps.div, a, b);
export const unary = (name: Exclude<UnaryName, 'scale'>, x: Tensor) => apply(elementwiseOps[name], x, 0);
export const scale = (x: Tensor, alpha: number) => apply(elementwiseOps.scale, x, alpha);
