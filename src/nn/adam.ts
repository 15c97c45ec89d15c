// Adam / AdamW with global gradient-norm clipping, recorded into the current step: no readback, no
// submit. Per step: sum-of-squares dispatches, six gradients to one (shaders/grad_norm.wgsl), one pass that
// turns the partial sums into the global norm and a clip scale, then one update dispatch per parameter
// (shaders/adam.wgsl) that reads the scale from the GPU, so clipping never waits for the CPU.
// A group may instead take plain SGD steps (shaders/sgd.wgsl) under the same clipping: the PLIF
// reference trains its slopes as an SGD parameter group whatever the rest of the model uses.
import { shaderConstant } from '../gpu';
import type { Engine } from '../tensor/engine';
import { grid1d } from '../tensor/workgroups';
import type { Tensor } from '../tensor/tensor';

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** true (default): AdamW, decay applied to the weights outside the adaptive step; false: L2 added to the gradient. */
  decoupled?: boolean;
  /** Clip the global gradient norm to this value; 0 or undefined: no clipping. */
  clipNorm?: number;
}

/** How a group's parameters move: Adam's adaptive step, or plain SGD (lr × gradient). */
export type UpdateRule = 'adam' | 'sgd';

/** Parameters sharing a learning rate, weight decay and update rule (e.g. PLIF slopes: SGD at 0.02). */
export interface ParamGroup {
  params: Tensor[];
  lr?: number;
  weightDecay?: number;
  /** Default 'adam'. */
  rule?: UpdateRule;
}

interface ParamState {
  /** Adam's first and second moments; empty for SGD parameters, which keep no state. */
  moments: Tensor[];
  /** Updates applied so far; per parameter, since parameters without a gradient are skipped. */
  steps: number;
}

const elementsPerPartial = 8192;
const vec4sPerInvocation = shaderConstant('adam', 'VEC4S_PER_INVOCATION');
const maxPartials = 256;

/** Gradients per batched norm dispatch: six, the slots and the plan fill the 8 storage buffers every adapter allows. */
const gradientsPerDispatch = 6;

/** A gradient read as vec4 (n of them) whose partial sums fill `groups` slots from `slot`. */
interface DenseNorm {
  grad: Tensor;
  n: number;
  groups: number;
  slot: number;
}

/** How many workgroups sum the squares of an n-element gradient: a fixed partition, so a fixed sum order. */
function partialsFor(n: number): number {
  return Math.min(maxPartials, Math.ceil(n / elementsPerPartial));
}

export class Adam {
  readonly groups: { params: Tensor[]; lr: number; weightDecay: number; rule: UpdateRule }[];
  /** Multiplies every group's lr (learning-rate schedules set this each step). */
  lrScale = 1;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly decoupled: boolean;
  readonly clipNorm: number;
  /**
   * [global gradient norm, clip scale] of the latest step, on the GPU for `engine.readLater`. A
   * non-finite norm (NaN guard) makes the scale 0 and that step leaves every parameter unchanged.
   */
  readonly clipStats: Tensor;
  private states = new Map<Tensor, ParamState>();
  private slots: Tensor;
  /** Layouts of the batched gradient-norm dispatches, by content (see recordDenseNorms). */
  private readonly plans = new Map<string, Tensor>();

  constructor(
    private engine: Engine,
    params: Tensor[] | ParamGroup[],
    options: AdamOptions,
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.decoupled = options.decoupled ?? true;
    this.clipNorm = options.clipNorm ?? 0;
    const groups: ParamGroup[] =
      params.length > 0 && 'params' in params[0]! ? (params as ParamGroup[]) : [{ params: params as Tensor[] }];
    this.groups = groups.map((g) => ({
      params: g.params,
      lr: g.lr ?? options.lr,
      weightDecay: g.weightDecay ?? options.weightDecay ?? 0,
      rule: g.rule ?? 'adam',
    }));

    let partials = 0;
    for (const { params: groupParams, rule } of this.groups) {
      for (const param of groupParams) {
        if (this.states.has(param)) throw new Error(`Parameter ${param} appears twice in the optimizer`);
        if (param.dtype !== 'f32') throw new Error(`Adam updates f32 parameters only, got ${param}`);
        const moments =
          rule === 'adam'
            ? [this.zeros(param.shape, `${param.label}.adam_m`), this.zeros(param.shape, `${param.label}.adam_v`)]
            : [];
        this.states.set(param, { moments, steps: 0 });
        partials += partialsFor(param.size);
      }
    }
    this.slots = this.zeros([Math.max(1, partials)], 'adam.grad_norm_partials');
    this.clipStats = this.zeros([2], 'adam.clip_stats');
  }

  private zeros(shape: readonly number[], label: string): Tensor {
    const t = this.engine.keep(this.engine.empty(shape, 'f32', label));
    this.engine.recorder.clearBuffer(t.buffer, 0, t.bytes);
    return t;
  }

  /** GPU bytes of the optimizer state (moments and norm buffers). */
  get stateBytes(): number {
    let bytes = this.slots.bytes + this.clipStats.bytes;
    for (const { moments } of this.states.values()) for (const t of moments) bytes += t.bytes;
    return bytes;
  }

  /**
   * Records one update of every parameter that has a `.grad`, then clears those gradients (they are
   * released with the step). Parameters without a gradient keep their weights, moments and step count.
   */
  step(): void {
    const active = this.groups.flatMap((g) => g.params).filter((p) => p.grad);
    if (active.length === 0) return;
    this.recordGradNorm(active);
    for (const group of this.groups) {
      for (const param of group.params) {
        if (!param.grad) continue;
        const lr = group.lr * this.lrScale;
        if (group.rule === 'sgd') this.recordSgdUpdate(param, param.grad, lr, group.weightDecay);
        else this.recordUpdate(param, param.grad, lr, group.weightDecay);
        param.grad = undefined;
      }
    }
  }

  private recordGradNorm(active: Tensor[]): void {
    let slot = 0;
    const dense: DenseNorm[] = [];
    for (const param of active) {
      const grad = param.grad!;
      if (grad.size !== param.size) throw new Error(`Gradient ${grad} does not match parameter ${param}`);
      const support = grad.rowSupport;
      if (support && support.rows.size > 0 && !support.rows.released) {
        // Only the rows the gradient can be non-zero in; no more groups than the dense sum was given slots for.
        const groups = Math.min(partialsFor(grad.size), partialsFor(support.rows.size * support.width));
        this.engine.run({
          shader: 'grad_norm',
          entry: 'partial_rows_main',
          uniforms: {
            rows: support.rows.size,
            chunk: Math.ceil(support.rows.size / groups),
            slot,
            width: support.width,
          },
          bindings: { partial_grad: grad, partial_slots: this.slots, support_rows: support.rows },
          workgroups: [groups],
          label: `grad_norm.${param.label}`,
        });
        slot += groups;
        continue;
      }
      const groups = partialsFor(grad.size);
      if (grad.size % 4 === 0) {
        // Counted in vec4s, as the kernel reads the gradient.
        dense.push({ grad, n: grad.size / 4, groups, slot });
      } else {
        this.engine.run({
          shader: 'grad_norm',
          entry: 'partial_main',
          uniforms: { n: grad.size, chunk: Math.ceil(grad.size / Math.max(1, groups)), slot },
          bindings: { partial_grad: grad, partial_slots: this.slots },
          workgroups: [groups],
          label: `grad_norm.${param.label}`,
        });
      }
      slot += groups;
    }
    for (let i = 0; i < dense.length; i += gradientsPerDispatch)
      this.recordDenseNorms(dense.slice(i, i + gradientsPerDispatch));
    this.engine.run({
      shader: 'grad_norm',
      entry: 'finalize_main',
      uniforms: { count: slot, clip_norm: this.clipNorm },
      bindings: { finalize_slots: this.slots, finalize_stats: this.clipStats },
      workgroups: [1],
      label: 'grad_norm.finalize',
    });
  }

  /** Partial sums of up to six vec4 gradients in one dispatch, into the slots each would fill alone. */
  private recordDenseNorms(batch: DenseNorm[]): void {
    let first = 0;
    const layout = batch.flatMap(({ n, groups, slot }) => {
      const row = [first, n, Math.ceil(n / Math.max(1, groups)), slot];
      first += groups;
      return row;
    });
    // The same layout every step: uploaded once and kept.
    const key = layout.join(',');
    let plan = this.plans.get(key);
    if (!plan) {
      plan = this.engine.keep(this.engine.tensor(Uint32Array.from(layout), [batch.length, 4], 'u32', 'grad_norm.plan'));
      this.plans.set(key, plan);
    }
    const grads = Object.fromEntries(batch.map(({ grad }, t) => [`multi_grad${t}`, grad]));
    this.engine.run({
      shader: 'grad_norm',
      entry: 'partial_multi_main',
      uniforms: { tensors: batch.length },
      bindings: { ...grads, partial_slots: this.slots, plan },
      workgroups: [first],
      label: 'grad_norm.multi',
    });
  }

  private recordSgdUpdate(param: Tensor, grad: Tensor, lr: number, weightDecay: number): void {
    this.states.get(param)!.steps++;
    this.engine.run({
      shader: 'sgd',
      entry: 'sgd_main',
      uniforms: { n: param.size, lr, weight_decay: weightDecay },
      bindings: { param, grad, stats: this.clipStats },
      workgroups: grid1d(param.size, 256),
      label: `sgd.${param.label}`,
    });
  }

  private recordUpdate(param: Tensor, grad: Tensor, lr: number, weightDecay: number): void {
    const state = this.states.get(param)!;
    state.steps++;
    const [m, v] = state.moments as [Tensor, Tensor];
    const vec4 = param.size % 4 === 0;
    this.engine.run({
      shader: 'adam',
      entry: vec4 ? 'adam_vec4_main' : 'adam_main',
      uniforms: {
        n: param.size,
        lr,
        beta1: this.beta1,
        beta2: this.beta2,
        one_minus_beta1: 1 - this.beta1,
        one_minus_beta2: 1 - this.beta2,
        eps: this.eps,
        weight_decay: weightDecay,
        bias1: 1 - this.beta1 ** state.steps,
        bias2: 1 - this.beta2 ** state.steps,
        decoupled: this.decoupled ? 1 : 0,
      },
      bindings: vec4
        ? { param4: param, grad4: grad, m4: m, v4: v, stats: this.clipStats }
        : { param, grad, m, v, stats: this.clipStats },
      // The vec4 kernel updates VEC4S_PER_INVOCATION vec4s per invocation, the other one element.
      workgroups: grid1d(param.size, vec4 ? 256 * 4 * vec4sPerInvocation : 256),
      label: `adam.${param.label}`,
    });
  }

  /** A parameter's moments (none under SGD) and update count (for checkpoints). */
  stateOf(param: Tensor): Readonly<ParamState> {
    return this.lookup(param);
  }

  /** Restores a parameter's update count; its moments are restored by writing into `stateOf(param)`. */
  restoreUpdateCount(param: Tensor, steps: number): void {
    this.lookup(param).steps = steps;
  }

  private lookup(param: Tensor): ParamState {
    const state = this.states.get(param);
    if (!state) throw new Error(`${param} is not updated by this optimizer`);
    return state;
  }

  /** Returns the optimizer's GPU buffers to the pool (end of a run). */
  release(): void {
    for (const { moments } of this.states.values()) for (const t of moments) t.release();
    this.slots.release();
    this.clipStats.release();
    for (const plan of this.plans.values()) plan.release();
  }
}
