// Adam / AdamW with global gradient-norm clipping, recorded into the current step: no readback, no
// submit. The optimizer moves its parameters into packs (one buffer each, as large as a storage binding
// allows: one pack for any model this tool trains) and keeps a gradient buffer and Adam's moments at
// the same offsets, so a step is the same three dispatches however many parameters there are: the
// partial sums of squares of the packed gradients (shaders/grad_norm.wgsl), the global norm and clip scale,
// and one update of every parameter (shaders/adam.wgsl) that reads the scale from the GPU, so
// clipping never waits for the CPU. A group may instead take plain SGD steps under the same clipping:
// the PLIF reference trains its slopes as an SGD parameter group whatever the rest of the model uses.
// The gradients reach the pack by buffer copies (no dispatch); the price is one gradient-sized
// buffer kept between steps.
import { shaderConstant } from '../gpu';
import type { Engine } from '../tensor/engine';
import { grid1d } from '../tensor/workgroups';
import type { Tensor } from '../tensor/tensor';
import { packJobs, packLayout, type Pack } from './packLayout';

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
  /** Adam's first and second moments (slices of the pack's moment buffers); empty under SGD. */
  moments: Tensor[];
  /** Updates applied so far; per parameter, since parameters without a gradient are skipped. */
  steps: number;
}

/** A parameter's place in a pack and the settings it is updated with. */
interface Member {
  param: Tensor;
  lr: number;
  weightDecay: number;
  rule: UpdateRule;
  /** Bytes from the start of the pack. */
  offset: number;
}

/** One buffer of parameters and, at the same offsets, their gradients and moments. */
interface PackState {
  members: Member[];
  param: Tensor;
  grad: Tensor;
  /** As far as the last Adam member (Adam members come first; SGD ones keep no moments). */
  m: Tensor;
  v: Tensor;
  /** u32 [jobs, 4]: the pieces one workgroup each updates (PackJob). */
  jobs: Tensor;
  jobCount: number;
  /** The first of this pack's gradient-norm partial slots, and how many it fills. */
  slot: number;
  partials: number;
}

/**
 * vec4s per gradient-norm workgroup at least, and at most this many workgroups per pack (a fixed
 * partition, so a fixed sum order). Few on a CPU-emulated adapter, where each workgroup's reduction
 * tree costs 256 coroutine switches per barrier (at 256 workgroups the norm of two 50k × 256
 * tables took 0.46 s a step, the tables' Adam update 1.4 s); many on a GPU, which needs them to
 * stream the buffer at full bandwidth.
 */
const vec4sPerPartial = 2048;
const maxPartials = { software: 32, gpu: 1024 };
/** The norm's workgroup width (shaders/grad_norm.wgsl `WG`): narrow where a reduction tree is slow to compile and run. */
const normWorkgroup = { software: 16, gpu: 256 };

const vec4sPerJob = shaderConstant('adam', 'JOB_VEC4S');

export class Adam {
  /** Each group's parameters and the settings they are updated with. */
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
  private packs: PackState[] = [];
  private slots: Tensor;

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
    const members: Member[] = this.groups.flatMap(({ params: groupParams, ...settings }) =>
      groupParams.map((param) => ({ param, ...settings, offset: 0 })),
    );
    // Adam members first, so each pack's moment buffers stop where its SGD members begin.
    members.sort((a, b) => Number(a.rule === 'sgd') - Number(b.rule === 'sgd'));
    for (const { param } of members) {
      if (this.states.has(param)) throw new Error(`Parameter ${param} appears twice in the optimizer`);
      if (param.dtype !== 'f32') throw new Error(`Adam updates f32 parameters only, got ${param}`);
      this.states.set(param, { moments: [], steps: 0 });
    }
    const sizes = members.map((m) => m.param.size);
    const alignment = engine.bindingAlignment / 4;
    const capacity = Math.floor(engine.limits.maxStorageBufferBindingSize / engine.bindingAlignment) * alignment;
    let slot = 0;
    for (const layout of packLayout(sizes, alignment, capacity)) {
      const pack = this.buildPack(
        layout,
        layout.members.map((i) => members[i]!),
        sizes,
        slot,
      );
      slot += pack.partials;
      this.packs.push(pack);
    }
    this.slots = this.zeros([Math.max(1, slot)], 'adam.grad_norm_partials');
    this.clipStats = this.zeros([2], 'adam.clip_stats');
    // The moves into the packs run now: a later queue write into a parameter must not be overwritten by them.
    engine.flush();
  }

  private buildPack(layout: Pack, members: Member[], sizes: number[], slot: number): PackState {
    const { engine } = this;
    members.forEach((member, row) => (member.offset = layout.starts[row]! * 4));
    const param = engine.pack(
      members.map((m) => m.param),
      layout.starts,
      layout.floats,
      'adam.parameters',
    );
    const adamMembers = members.filter((m) => m.rule === 'adam');
    const momentFloats = Math.max(4, ...adamMembers.map((m) => m.offset / 4 + Math.ceil(m.param.size / 4) * 4));
    const [m, v] = ['adam_m', 'adam_v'].map((name) => this.zeros([momentFloats], `adam.${name}`)) as [Tensor, Tensor];
    for (const member of adamMembers) {
      this.states.get(member.param)!.moments = ['m', 'v'].map((name, k) =>
        engine.keep(
          engine.slice(k === 0 ? m : v, member.offset / 4, member.param.shape, `${member.param.label}.adam_${name}`),
        ),
      );
    }
    const jobs = packJobs(layout, sizes, vec4sPerJob);
    const jobTable = engine.keep(
      engine.tensor(
        Uint32Array.from(jobs.flatMap((j) => [j.row, j.first, j.end, 0])),
        [jobs.length, 4],
        'u32',
        'adam.jobs',
      ),
    );
    return {
      members,
      param,
      grad: this.zeros([layout.floats], 'adam.gradients'),
      m,
      v,
      jobs: jobTable,
      jobCount: jobs.length,
      slot,
      partials: Math.min(
        maxPartials[engine.smallWorkgroups ? 'software' : 'gpu'],
        Math.ceil(layout.floats / 4 / vec4sPerPartial),
      ),
    };
  }

  private zeros(shape: readonly number[], label: string): Tensor {
    const t = this.engine.keep(this.engine.empty(shape, 'f32', label));
    this.engine.recorder.clearBuffer(t.buffer, 0, t.bytes);
    return t;
  }

  /** GPU bytes the optimizer holds besides the parameters: moments, the packed gradients and the norm's buffers. */
  get stateBytes(): number {
    let bytes = this.slots.bytes + this.clipStats.bytes;
    for (const pack of this.packs) bytes += pack.grad.bytes + pack.m.bytes + pack.v.bytes + pack.jobs.bytes;
    return bytes;
  }

  /**
   * Records one update of every parameter that has a `.grad`, then clears those gradients (they are
   * released with the step). Parameters without a gradient keep their weights, moments and step count.
   */
  step(): void {
    if (!this.packs.some((pack) => pack.members.some((m) => m.param.grad))) return;
    const rows = this.packs.map((pack) => this.recordGradients(pack));
    this.engine.run({
      shader: 'grad_norm',
      entry: 'finalize_main',
      overrides: { WG: normWorkgroup[this.engine.smallWorkgroups ? 'software' : 'gpu'] },
      uniforms: { count: this.slots.size, clip_norm: this.clipNorm },
      bindings: { finalize_slots: this.slots, finalize_stats: this.clipStats },
      workgroups: [1],
      label: 'grad_norm.finalize',
    });
    this.packs.forEach((pack, i) => {
      this.engine.run({
        shader: 'adam',
        entry: 'adam_main',
        uniforms: {
          job_count: pack.jobCount,
          beta1: this.beta1,
          beta2: this.beta2,
          one_minus_beta1: 1 - this.beta1,
          one_minus_beta2: 1 - this.beta2,
          eps: this.eps,
          decoupled: this.decoupled ? 1 : 0,
        },
        bindings: {
          param: pack.param,
          grad: pack.grad,
          m: pack.m,
          v: pack.v,
          stats: this.clipStats,
          jobs: pack.jobs,
          rows: rows[i]!,
        },
        workgroups: grid1d(pack.jobCount, 1),
        label: 'adam',
      });
      // Read by this step's dispatches only: back to the pool, reusable after the submit.
      rows[i]!.release();
    });
  }

  /**
   * Copies a pack's gradients into its gradient buffer (zeroing the slot of a parameter without
   * one, so the norm can sum the whole pack), uploads this step's per-parameter settings and records
   * the partial sums of squares; returns the settings tensor for the update.
   */
  private recordGradients(pack: PackState): Tensor {
    const { engine } = this;
    const settings = new Float32Array(pack.members.length * 8);
    pack.members.forEach(({ param, lr, weightDecay, rule, offset }, row) => {
      const grad = param.grad;
      const state = this.states.get(param)!;
      if (grad) {
        if (grad.size !== param.size) throw new Error(`Gradient ${grad} does not match parameter ${param}`);
        engine.recorder.copyBuffer(grad.buffer, grad.offset, pack.grad.buffer, offset, grad.bytes);
        state.steps++;
        param.grad = undefined;
      } else {
        engine.recorder.clearBuffer(pack.grad.buffer, offset, param.bytes);
      }
      const t = Math.max(1, state.steps);
      settings.set(
        [
          lr * this.lrScale,
          weightDecay,
          1 - this.beta1 ** t,
          1 - this.beta2 ** t,
          rule === 'sgd' ? 1 : 0,
          grad ? 1 : 0,
        ],
        row * 8,
      );
    });
    const rows = engine.keep(engine.tensor(settings, [pack.members.length * 2, 4], 'f32', 'adam.settings'));
    const n = pack.grad.size / 4;
    engine.run({
      shader: 'grad_norm',
      entry: 'partial_main',
      overrides: { WG: normWorkgroup[engine.smallWorkgroups ? 'software' : 'gpu'] },
      uniforms: { n, chunk: Math.ceil(n / pack.partials), slot: pack.slot },
      bindings: { partial_grad: pack.grad, partial_slots: this.slots },
      workgroups: [pack.partials],
      label: 'grad_norm',
    });
    return rows;
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

  /**
   * Returns the optimizer's GPU buffers to the pool (end of a run). The parameter packs go back once
   * their parameters are released too.
   */
  release(): void {
    for (const { moments } of this.states.values()) for (const t of moments) t.release();
    for (const pack of this.packs) for (const t of [pack.param, pack.grad, pack.m, pack.v, pack.jobs]) t.release();
    this.slots.release();
    this.clipStats.release();
  }
}
