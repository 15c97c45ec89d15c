// The matmul kernels (shaders/matmul_*.wgsl) and how to dispatch them. Shape legend as in
// shaders/matmul_common.wgsl: output [Z, M, N], contracted length K, R operand batches per output batch.
import { shaderSource } from '#shader-sources';
import { shaderConstant } from '../../gpu';
import type { Engine } from '../engine';
import { describeShape, type Shape, type Tensor } from '../tensor';
import { blockWorkgroup, blockWorkgroupShapes, type WorkgroupShape } from '../workgroups';

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
  /**
   * Batch entries t = s·heads + h address their operands at s·batch + h·head (attention's heads
   * as column blocks of [B, T, d], headAttention.ts); 1 for a plain batch, where the head strides are 0.
   */
  heads: number;
  aHead: number;
  bHead: number;
  /** Where output (z, m, n) goes: cFirst + (z / heads)·cBatch + (z % heads)·cHead + m·cM + n. */
  cM: number;
  cBatch: number;
  cHead: number;
  /** Elements before each operand's and the output's first value (a column block of a wider tensor). */
  aFirst: number;
  bFirst: number;
  cFirst: number;
}

/** Rows, columns and batch stride of one operand as the product reads it. */
function operandLayout(stored: Shape, transposed: boolean, name: string) {
  if (stored.length !== 2 && stored.length !== 3)
    throw new Error(`matmul: ${name} must be 2-D or 3-D, got ${describeShape(stored)}`);
  const [storedRows, storedCols] = stored.slice(-2) as [number, number];
  return {
    rows: transposed ? storedCols : storedRows,
    cols: transposed ? storedRows : storedCols,
    batch: stored.length === 3 ? stored[0]! : undefined,
    /** Strides along the product's rows and columns. */
    rowStride: transposed ? 1 : storedCols,
    colStride: transposed ? storedCols : 1,
    batchStride: stored.length === 3 ? storedRows * storedCols : 0,
  };
}

/**
 * Geometry of op(A)·op(B) for operands stored densely with these shapes. With `sumBatches` the
 * batch is contracted too (the output is 2-D): the gradient of an operand shared across the
 * batch, summed inside the kernel in a fixed order.
 */
export function matmulGeometry(
  aShape: Shape,
  transposeA: boolean,
  bShape: Shape,
  transposeB: boolean,
  sumBatches = false,
): { geometry: MatmulGeometry; shape: number[] } {
  const la = operandLayout(aShape, transposeA, 'A');
  const lb = operandLayout(bShape, transposeB, 'B');
  const describe = () =>
    `${describeShape(aShape)}${transposeA ? 'ᵀ' : ''} · ${describeShape(bShape)}${transposeB ? 'ᵀ' : ''}`;
  if (la.cols !== lb.rows) throw new Error(`matmul: inner sizes differ in ${describe()}`);
  if (la.batch !== undefined && lb.batch !== undefined && la.batch !== lb.batch) {
    throw new Error(`matmul: batch sizes differ in ${describe()}`);
  }
  const batch = la.batch ?? lb.batch;
  const [m, n, k] = [la.rows, lb.cols, la.cols];
  const geometry = mergeBatches({
    m,
    n,
    k,
    batches: sumBatches ? 1 : (batch ?? 1),
    reduce: sumBatches ? (batch ?? 1) : 1,
    aM: la.rowStride,
    aK: la.colStride,
    aBatch: la.batchStride,
    bK: lb.rowStride,
    bN: lb.colStride,
    bBatch: lb.batchStride,
  });
  return { geometry, shape: batch === undefined || sumBatches ? [m, n] : [batch, m, n] };
}

/**
 * The same product with fewer, larger batches where the strides allow: a batch over a shared B
 * whose A batches follow one another row by row (a Linear layer over [Z, T, d], its dX) is one
 * product of Z·M rows, and a summed batch whose operands continue along k (that layer's dW) is one
 * product of R·K. Selection then sees the real size (M = T alone is too short for the 32×32 block),
 * and the summation order stays the same.
 */
function mergeBatches(g: DenseGeometry): MatmulGeometry {
  let merged = g;
  if (g.batches > 1 && g.bBatch === 0 && g.aBatch === g.m * g.aM)
    merged = { ...g, m: g.m * g.batches, batches: 1, aBatch: 0 };
  else if (g.reduce > 1 && g.aBatch === g.k * g.aK && g.bBatch === g.k * g.bK)
    merged = { ...g, k: g.k * g.reduce, reduce: 1, aBatch: 0, bBatch: 0 };
  // A dense output, one plain batch.
  return {
    ...merged,
    ...{ heads: 1, aHead: 0, bHead: 0, cM: merged.n, cBatch: merged.m * merged.n, cHead: 0 },
    ...{ aFirst: 0, bFirst: 0, cFirst: 0 },
  };
}

/** A product of densely stored operands, before its output layout is fixed. */
type DenseGeometry = Omit<
  MatmulGeometry,
  'heads' | 'aHead' | 'bHead' | 'cM' | 'cBatch' | 'cHead' | 'aFirst' | 'bFirst' | 'cFirst'
>;

/**
 * How a register kernel reads an operand: element by element through its strides (any layout), or
 * four consecutive elements as one vec4<f32> — along k (A with a_k = 1, B with b_k = 1), along m
 * (A with a_m = 1) or along n (B with b_n = 1).
 */
type ReadA = 'strided' | 'vec4K' | 'vec4M';
type ReadB = 'strided' | 'vec4K' | 'vec4N';

interface RegisterKernel {
  kind: 'register';
  /** Output rows and columns one invocation computes. */
  rows: number;
  cols: number;
  workgroup: readonly [number, number];
  readA: ReadA;
  readB: ReadB;
}

interface TiledKernel {
  kind: 'tiled';
  /** The WGSL body appended to matmul_common.wgsl. */
  shader: 'matmul_tiled' | 'matmul_tiled_wide';
  rows: number;
  cols: number;
  workgroup: readonly [number, number];
}

/** A workgroup-memory kernel, sized by its shader's own constants. */
function tiled(shader: TiledKernel['shader']): TiledKernel {
  const perThread = shaderConstant(shader, 'PER_THREAD');
  const threads = shaderConstant(shader, 'THREADS');
  return { kind: 'tiled', shader, rows: perThread, cols: perThread, workgroup: [threads, threads] };
}

/** 8×8 blocks compile in ~0.1 s; 32×32 ones run faster on large products but take 2–3 s to compile. */
const register = (size: 8 | 32, readA: ReadA, readB: ReadB): RegisterKernel => ({
  kind: 'register',
  rows: size,
  cols: size,
  workgroup: size === 8 ? [8, 8] : [4, 4],
  readA,
  readB,
});

/**
 * Register kernels by operand layout (named after the dense product each one serves) and block
 * size, and the workgroup-memory tile. `kernelFor` (matmulVariants.ts) picks among them by strides.
 * Only the strided kernels handle K % 4 ≠ 0 (their last step zeroes k ≥ K): that masking cost a
 * quarter of the 32×32 kernel's speed on SwiftShader, so the vec4 kernels leave it out and take
 * only K % 4 = 0. Dense operands read along k imply it (rows of K floats must start 16-byte
 * aligned); for Aᵀ·B it means a token count divisible by 4, else the strided kernel runs.
 */
export const matmulKernels = {
  /** Any strides, any K: the fallback. */
  strided8: register(8, 'strided', 'strided'),
  strided32: register(32, 'strided', 'strided'),
  /** A·B, row-major: dX = dY·W of a linear layer. */
  vec4AB8: register(8, 'vec4K', 'vec4N'),
  vec4AB32: register(32, 'vec4K', 'vec4N'),
  /** A·Bᵀ: x·Wᵀ of a linear layer, the logits h·Wᵀ. */
  vec4ABt8: register(8, 'vec4K', 'vec4K'),
  vec4ABt32: register(32, 'vec4K', 'vec4K'),
  /** Aᵀ·B: dW = dYᵀ·X of a linear layer. */
  vec4AtB8: register(8, 'vec4M', 'vec4N'),
  vec4AtB32: register(32, 'vec4M', 'vec4N'),
  /** 64×64 workgroup-memory tile, 4×4 per invocation: the real GPUs' default. */
  tiled: tiled('matmul_tiled'),
  /** 128×128 tile, 8×8 per invocation, double-buffered slices: the next rung for the tuner to time. */
  tiledWide: tiled('matmul_tiled_wide'),
} as const satisfies Record<string, RegisterKernel | TiledKernel>;

export type MatmulKernelName = keyof typeof matmulKernels;

/** Whether the kernel zeroes the operands past K in its last step (see the template's header). */
const hasTail = ({ readA, readB }: RegisterKernel) => readA === 'strided' && readB === 'strided';

/** A vec4 read needs unit stride along it and 16-byte aligned starts: the other strides multiples of 4. */
const vec4Run = (unit: number, ...others: number[]) => unit === 1 && others.every((s) => s % 4 === 0);

const readsA = (g: MatmulGeometry): Record<ReadA, boolean> => ({
  strided: true,
  vec4K: vec4Run(g.aK, g.aM, g.aBatch, g.aHead, g.aFirst),
  vec4M: vec4Run(g.aM, g.aK, g.aBatch, g.aHead, g.aFirst),
});
const readsB = (g: MatmulGeometry): Record<ReadB, boolean> => ({
  strided: true,
  vec4K: vec4Run(g.bK, g.bN, g.bBatch, g.bHead, g.bFirst),
  vec4N: vec4Run(g.bN, g.bK, g.bBatch, g.bHead, g.bFirst),
});

/** Whether `kernel` reads this product's operands correctly (the strided and tiled ones read any product). */
export function kernelAccepts(kernel: MatmulKernelName, g: MatmulGeometry): boolean {
  const shape: RegisterKernel | TiledKernel = matmulKernels[kernel];
  if (shape.kind === 'tiled') return true;
  return readsA(g)[shape.readA] && readsB(g)[shape.readB] && (hasTail(shape) || g.k % 4 === 0);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

const lanes = ['x', 'y', 'z', 'w'];

interface OperandCode {
  /** Element type of the operand's binding. */
  element: 'f32' | 'vec4<f32>';
  /** Stride values hoisted out of the loops. */
  strides: string[];
  start: string;
  step: string;
  loads: (declare: 'let' | 'var') => string[];
}

/**
 * WGSL for one operand's reads: `count` vec4s named `${name}0…`, each 4 consecutive values of k
 * for one output row (A) or column (B), from a cursor `${name}_at` (in elements of the binding)
 * that starts at `start` and advances by `step` per 4 values of k. A and B differ only in names:
 * `along` is the stride between consecutive outputs (a_m, b_n), `k` the stride along k (a_k,
 * b_k), `origin` the block's first output row or column. `vec4Out` reads along the outputs (A
 * along m, B along n).
 */
function operandCode(
  name: 'a' | 'b',
  read: 'strided' | 'vec4K' | 'vec4Out',
  count: number,
  along: string,
  k: string,
  origin: string,
): OperandCode {
  const batch = `dims.${name}_first + batch_offset(t, dims.${name}_batch, dims.${name}_head)`;
  const cursor = `${name}_at`;
  if (read === 'strided') {
    return {
      element: 'f32',
      strides: [`let ${along} = dims.${along};`, `let ${k} = dims.${k};`],
      start: `${batch} + ${origin} * ${along}`,
      step: `4u * ${k}`,
      loads: (declare) => [
        `var ${name}_next = ${cursor};`,
        ...range(count).flatMap((i) => [
          `${declare} ${name}${i} = vec4<f32>(${name}[${name}_next], ${name}[${name}_next + ${k}], ${name}[${name}_next + 2u * ${k}], ${name}[${name}_next + 3u * ${k}]);`,
          ...(i + 1 < count ? [`${name}_next += ${along};`] : []),
        ]),
      ],
    };
  }
  if (read === 'vec4K') {
    return {
      element: 'vec4<f32>',
      strides: [`let ${along}4 = dims.${along} / 4u;`],
      start: `(${batch} + ${origin} * dims.${along}) / 4u`,
      step: '1u',
      loads: (declare) => [
        `var ${name}_next = ${cursor};`,
        ...range(count).flatMap((i) => [
          `${declare} ${name}${i} = ${name}[${name}_next];`,
          ...(i + 1 < count ? [`${name}_next += ${along}4;`] : []),
        ]),
      ],
    };
  }
  // vec4 along the outputs: one vec4 covers 4 rows (A) or columns (B) at one k; 4 of them, one per
  // value of k, are regrouped by lane into the per-output vectors along k (free: SwiftShader keeps
  // each lane of a vec4 in its own register).
  return {
    element: 'vec4<f32>',
    strides: [`let ${k}4 = dims.${k} / 4u;`],
    start: `(${batch} + ${origin}) / 4u`,
    step: `4u * ${k}4`,
    loads: (declare) => [
      ...range(4).flatMap((kk) =>
        range(count / 4).map((q) => {
          const offset = [...(kk > 0 ? [`${kk}u * ${k}4`] : []), ...(q > 0 ? [`${q}u`] : [])];
          return `let ${name}_kk${kk}_${q} = ${name}[${[cursor, ...offset].join(' + ')}];`;
        }),
      ),
      ...range(count).map(
        (i) =>
          `${declare} ${name}${i} = vec4<f32>(${range(4)
            .map((kk) => `${name}_kk${kk}_${i >> 2}.${lanes[i & 3]}`)
            .join(', ')});`,
      ),
    ],
  };
}

/** Straight-line code for the register template's slots (see shaders/matmul_register.wgsl). */
function registerSlots(kernel: RegisterKernel): Record<string, string> {
  const { rows, cols, workgroup, readA, readB } = kernel;
  const quads = cols / 4;
  const lines = (items: string[], indent: string) => items.map((s) => indent + s).join('\n');
  const a = operandCode('a', readA === 'vec4M' ? 'vec4Out' : readA, rows, 'a_m', 'a_k', 'row0');
  const b = operandCode('b', readB === 'vec4N' ? 'vec4Out' : readB, cols, 'b_n', 'b_k', 'col0');
  const tail = hasTail(kernel);
  const declare = tail ? 'var' : 'let';
  const tailCode = tail
    ? [
        'if (k + 4u > dims.k) {',
        '  let keep = vec4<u32>(k) + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(dims.k);',
        ...range(rows).map((i) => `  a${i} = select(vec4<f32>(), a${i}, keep);`),
        ...range(cols).map((j) => `  b${j} = select(vec4<f32>(), b${j}, keep);`),
        '}',
      ]
    : [];
  return {
    A_ELEMENT: a.element,
    B_ELEMENT: b.element,
    STRIDES: lines([...a.strides, ...b.strides], '  '),
    ACCUMULATORS: lines(
      [
        ...range(rows).flatMap((i) => range(cols).map((j) => `var acc${i}_${j} = 0.0;`)),
        ...range(rows).map((i) => `var sum${i} = vec4<f32>();`),
      ],
      '  ',
    ),
    A_START: a.start,
    B_START: b.start,
    A_STEP: a.step,
    B_STEP: b.step,
    LOADS: lines([...b.loads(declare), ...a.loads(declare)], '      '),
    TAIL: lines(tailCode, '      '),
    PRODUCTS: lines(
      range(rows).flatMap((i) => range(cols).map((j) => `acc${i}_${j} += dot(a${i}, b${j});`)),
      '      ',
    ),
    ROW_SUMS: lines(
      range(rows).map((i) => `sum${i} += a${i};`),
      '        ',
    ),
    ROW_SUM_STORES: lines(
      range(rows).map((i) => `store_row_sum(gid.z, row0 + ${i}u, dot(sum${i}, vec4<f32>(1.0)));`),
      '    ',
    ),
    STORES: lines(
      range(rows).flatMap((i) =>
        range(quads).map(
          (q) =>
            `block[${i * quads + q}] = vec4<f32>(${range(4)
              .map((c) => `acc${i}_${4 * q + c}`)
              .join(', ')});`,
        ),
      ),
      '  ',
    ),
    ROWS: String(rows),
    COLS: String(cols),
    QUADS: String(quads),
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
    const shape: RegisterKernel | TiledKernel = matmulKernels[name];
    const body =
      shape.kind === 'register'
        ? Object.entries(registerSlots(shape)).reduce(
            (template, [slot, code]) => template.replaceAll(`{{${slot}}}`, code),
            shaderSource('matmul_register'),
          )
        : shaderSource(shape.shader);
    text = `${shaderSource('matmul_common')}\n${body}`;
    sources.set(name, text);
  }
  return text;
}

/**
 * The pipeline a kernel's products run: its name and generated WGSL, and for a register kernel a
 * workgroup shape other than its usual one (blockWorkgroup) as override constants.
 */
export function matmulPipeline(
  kernel: MatmulKernelName,
  [x, y, z]: WorkgroupShape = [...matmulKernels[kernel].workgroup, 1],
) {
  const usual = matmulKernels[kernel].workgroup;
  return {
    shader: `matmul_${kernel}`,
    source: matmulSource(kernel),
    ...(x === usual[0] && y === usual[1] && z === 1 ? {} : { overrides: { WG_X: x, WG_Y: y, WG_Z: z } }),
  };
}

/**
 * Workgroup shapes the kernel may run with on this engine. The 32 × 32 blocks keep theirs: they run
 * only on large products (kernelFor), and each variant compiles for seconds.
 */
function matmulWorkgroupShapes(engine: Engine, kernel: MatmulKernelName): readonly WorkgroupShape[] {
  const shape: RegisterKernel | TiledKernel = matmulKernels[kernel];
  if (shape.kind === 'register' && shape.rows === 8) return blockWorkgroupShapes(engine, shape.workgroup);
  return [[...shape.workgroup, 1]];
}

/**
 * What a product does to each output as it stores it: out = alpha · (A·B) + bias[n] + residual; and
 * what else it may write on the way.
 */
export interface MatmulEpilogue {
  alpha?: number;
  /** [N], added to every row. */
  bias?: Tensor;
  /** The output's shape, added element by element. */
  residual?: Tensor;
  /** [Z, M] (or [M] for one batch): receives Σ_r Σ_k A(m, k), unscaled — a Linear layer's bias gradient beside its dW. */
  rowSums?: Tensor;
}

const epilogueBias = shaderConstant('matmul_common', 'EPILOGUE_BIAS');
const epilogueResidual = shaderConstant('matmul_common', 'EPILOGUE_RESIDUAL');
const epilogueRowSums = shaderConstant('matmul_common', 'EPILOGUE_ROW_SUMS');

/**
 * The workgroup shape a product runs with (blockWorkgroup). On an engine with background compiles
 * (a page), a shape not compiled yet starts compiling and the usual shape runs meanwhile, so the
 * first step waits for no more compiles than before: the values are the same either way.
 */
function workgroupFor(engine: Engine, kernel: MatmulKernelName, blocks: readonly [number, number, number]) {
  const shapes = matmulWorkgroupShapes(engine, kernel);
  const best = blockWorkgroup(blocks, shapes);
  if (best === shapes[0] || !engine.backgroundCompiles) return best;
  const pipeline = matmulPipeline(kernel, best);
  if (engine.pipelines.has(pipeline)) return best;
  engine.pipelines.compileInBackground(pipeline);
  return shapes[0]!;
}

/** Records one product into `out` (no autograd); the op and the benchmarks both dispatch through here. */
export function dispatchMatmul(
  engine: Engine,
  kernel: MatmulKernelName,
  g: MatmulGeometry,
  a: Tensor,
  b: Tensor,
  out: Tensor,
  { alpha = 1, bias, residual, rowSums }: MatmulEpilogue = {},
  label = `matmul:${kernel}`,
): void {
  if (bias && bias.size !== g.n) throw new Error(`matmul: bias ${bias} does not match ${g.n} output columns`);
  if (residual && residual.size !== out.size) throw new Error(`matmul: residual ${residual} does not match ${out}`);
  if (rowSums && rowSums.size !== g.batches * g.m)
    throw new Error(`matmul: row sums ${rowSums} do not match ${g.batches}×${g.m} output rows`);
  if (!kernelAccepts(kernel, g)) {
    throw new Error(
      `matmul: kernel ${kernel} cannot read operands with strides A (m ${g.aM}, k ${g.aK}, batch ${g.aBatch}), B (k ${g.bK}, n ${g.bN}, batch ${g.bBatch}) at K = ${g.k}`,
    );
  }
  const { rows, cols } = matmulKernels[kernel];
  const blocks = [Math.ceil(g.n / cols), Math.ceil(g.m / rows), g.batches] as const;
  const workgroup = workgroupFor(engine, kernel, blocks);
  const [x, y, z] = workgroup;
  engine.run({
    ...matmulPipeline(kernel, workgroup),
    uniforms: {
      m: g.m,
      n: g.n,
      k: g.k,
      batches: g.batches,
      reduce: g.reduce,
      a_m: g.aM,
      a_k: g.aK,
      a_batch: g.aBatch,
      b_k: g.bK,
      b_n: g.bN,
      b_batch: g.bBatch,
      heads: g.heads,
      a_head: g.aHead,
      b_head: g.bHead,
      c_m: g.cM,
      c_batch: g.cBatch,
      c_head: g.cHead,
      a_first: g.aFirst,
      b_first: g.bFirst,
      c_first: g.cFirst,
      alpha,
      epilogue: (bias ? epilogueBias : 0) | (residual ? epilogueResidual : 0) | (rowSums ? epilogueRowSums : 0),
    },
    bindings: { a, b, c: out, bias, residual, row_sums: rowSums },
    flops: 2 * g.m * g.n * g.k * g.batches * g.reduce,
    workgroups: [Math.ceil(blocks[0] / x), Math.ceil(blocks[1] / y), Math.ceil(blocks[2] / z)],
    label,
  });
}
