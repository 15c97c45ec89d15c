// The matmul kernels (shaders/matmul_*.wgsl) and how to dispatch them. Shape legend as in
// shaders/matmul_common.wgsl: output [Z, M, N], contracted length K, R operand batches per output batch.
import { shaderSource } from '#shader-sources';
import type { Engine } from '../engine';
import type { Tensor } from '../tensor';

/** Everything a kernel needs to know about one product; strides are in elements. */
export interface MatmulGeometry {
  m: number;
  n: number;
  k: number;
  /** Output batches (Z). */
  batches: number;
  /** Operand batches summed into each output batch (R). */
  reduce: number;
  aM: number;
  aK: number;
  aBatch: number;
  bK: number;
  bN: number;
  bBatch: number;
}

interface KernelShape {
  /** Output rows and columns one invocation computes. */
  rows: number;
  cols: number;
  workgroup: readonly [number, number];
  /** Register-blocked kernels are generated from shaders/matmul_register.wgsl. */
  generated: boolean;
}

export const matmulKernels = {
  /** 8×8 outputs per invocation: compiles in ~0.1 s, the choice for small and skinny products. */
  register8: { rows: 8, cols: 8, workgroup: [8, 8], generated: true },
  /** 32×32 outputs per invocation: fastest on SwiftShader for large products, but a 2–3 s compile. */
  register32: { rows: 32, cols: 32, workgroup: [4, 4], generated: true },
  /** 64×64 workgroup-memory tile, 4×4 per invocation: what wins on real GPUs. */
  tiled: { rows: 4, cols: 4, workgroup: [16, 16], generated: false },
} as const satisfies Record<string, KernelShape>;

export type MatmulKernelName = keyof typeof matmulKernels;

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Straight-line code for the register template's slots: one vec4 accumulator per (row, 4 columns).
 * Loads walk a running index (one add each) rather than keeping ROWS + COLS offsets live, to keep
 * register pressure and the shader JIT time of the 32×32 block down.
 */
function registerSlots({ rows, cols, workgroup }: KernelShape): Record<string, string> {
  const quads = range(cols / 4);
  const lines = (items: string[], indent: string) => items.map((s) => indent + s).join('\n');
  const accumulators = range(rows).flatMap((i) => quads.map((q) => `var acc${i}_${q} = vec4<f32>();`));
  const bLoads = quads.flatMap((q) => [
    `let b${q} = vec4<f32>(b[pb], b[pb + b_n], b[pb + 2u * b_n], b[pb + 3u * b_n]);`,
    ...(q + 1 < quads.length ? ['pb += 4u * b_n;'] : []),
  ]);
  const products = range(rows).flatMap((i) => [
    `let a${i} = a[pa];`,
    ...(i + 1 < rows ? ['pa += a_m;'] : []),
    ...quads.map((q) => `acc${i}_${q} += a${i} * b${q};`),
  ]);
  const stores = range(rows).flatMap((i) => quads.map((q) => `block[${i * quads.length + q}] = acc${i}_${q};`));
  return {
    ACCUMULATORS: lines(accumulators, '  '),
    PRODUCTS: lines(['var pb = b_k;', ...bLoads, 'var pa = a_k;', ...products], '      '),
    STORES: lines(stores, '  '),
    ROWS: String(rows),
    COLS: String(cols),
    QUADS: String(cols / 4),
    BLOCK: String((rows * cols) / 4),
    WG_X: String(workgroup[0]),
    WG_Y: String(workgroup[1]),
  };
}

const sources = new Map<MatmulKernelName, string>();

/** Full WGSL of a kernel: the shared header plus its body (generated for register blocks). */
export function matmulSource(name: MatmulKernelName): string {
  let text = sources.get(name);
  if (text === undefined) {
    const shape = matmulKernels[name];
    const body = shape.generated
      ? Object.entries(registerSlots(shape)).reduce(
          (template, [slot, code]) => template.replaceAll(`{{${slot}}}`, code),
          shaderSource('matmul_register'),
        )
      : shaderSource('matmul_tiled');
    text = `${shaderSource('matmul_common')}\n${body}`;
    sources.set(name, text);
  }
  return text;
}

/** Records one product into `out` (no autograd); the op and the benchmarks both dispatch through here. */
export function dispatchMatmul(engine: Engine, kernel: MatmulKernelName, g: MatmulGeometry, a: Tensor, b: Tensor, out: Tensor, label = `matmul:${kernel}`): void {
  const { rows, cols, workgroup } = matmulKernels[kernel];
  const groups: [number, number, number] = [
    Math.ceil(g.n / (cols * workgroup[0])),
    Math.ceil(g.m / (rows * workgroup[1])),
    g.batches,
  ];
  engine.run({
    shader: `matmul_${kernel}`,
    source: matmulSource(kernel),
    uniforms: [g.m, g.n, g.k, g.reduce, g.aM, g.aK, g.aBatch, g.bK, g.bN, g.bBatch].map((u32) => ({ u32 })),
    buffers: [a, b, out],
    workgroups: groups,
    label,
  });
}
