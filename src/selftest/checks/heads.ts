// Whole output layers (linear map + loss, and decoding) against float64 references computed from
// the head's own initial parameters.
import { createHead, type ContinuousLoss, type HeadSpec } from '../../heads';
import { embeddingLossReference, mostInformativeNegative } from '../../math/embeddingLosses';
import { randomArray } from '../../math/random';
import { topKReference } from '../../math/reference/topk';
import { vmfLossReference } from '../../math/vmf';
import type { Engine } from '../../tensor/engine';
import type { Tensor } from '../../tensor/tensor';
import type { KernelCheck } from '../types';
import { predictionBatch } from './predictionBatch';

export const headShapes = { N: 9, d: 6, V: 40, m: 5 };
const { N, d, V, m } = headShapes;
export const headHidden = Float32Array.from(randomArray(N * d, 1, -1, 1));
export const headTargets = Int32Array.from({ length: N }, (_, i) => (i === N - 1 ? -1 : (i * 7) % V));
const headTable = predictionBatch(1, V, m, 3).table;

/** The heads checked here: softmax and the continuous losses (PLIF and MoS have checks of their own). */
export type CheckedHeadSpec = { kind: 'softmax' } | ContinuousLoss;

export const headSpecs: CheckedHeadSpec[] = [
  { kind: 'softmax' },
  { kind: 'vmf', regularizer: { kind: 'reg1+reg2', lambda1: 0.02, lambda2: 0.1 }, approximate: false },
  { kind: 'cosine' },
  { kind: 'max-margin', margin: 0.5 },
  // Differentiated through, so that finite differences check its gradient; the default detached
  // gradient is checked against its float64 reference with the kernel (checks/embeddingLosses.ts).
  { kind: 'syn-margin-difference', margin: 0.5, detachNegative: false },
];

export function makeHead(engine: Engine, spec: HeadSpec) {
  const head = createHead(engine, spec, {
    hidden: d,
    vocab: V,
    initSeed: 5,
    targetTable: engine.tensor(headTable, [V, m]),
  });
  return { head, hidden: engine.tensor(headHidden, [N, d]), targets: engine.tensor(headTargets, [N], 'i32') };
}

/** x·Wᵀ + b in float64 from a head's parameters [W, b]. */
export async function linearOutputs(
  parameters: Tensor[],
  x: Float32Array,
  rows: number,
  inDim: number,
): Promise<Float64Array> {
  const [w, b] = await Promise.all(parameters.map((p) => p.read()));
  const out = b!.length;
  return Float64Array.from({ length: rows * out }, (_, i) => {
    const r = Math.floor(i / out);
    const o = i % out;
    let s = b![o]!;
    for (let k = 0; k < inDim; k++) s += x[r * inDim + k]! * w![o * inDim + k]!;
    return s;
  });
}

function referenceLoss(spec: CheckedHeadSpec, outputs: Float64Array): number[] {
  return Array.from({ length: N }, (_, r) => {
    const t = headTargets[r]!;
    if (t < 0) return 0;
    if (spec.kind === 'softmax') {
      const row = outputs.subarray(r * V, (r + 1) * V);
      const max = Math.max(...row);
      return max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0)) - row[t]!;
    }
    const p = outputs.subarray(r * m, (r + 1) * m);
    const u = headTable.subarray(t * m, (t + 1) * m);
    if (spec.kind === 'vmf') return vmfLossReference(p, u, spec).loss;
    const negative = mostInformativeNegative(p, u, headTable, V);
    return embeddingLossReference(spec.kind, p, u, {
      margin: 'margin' in spec ? spec.margin : 0,
      negative: headTable.subarray(negative * m, (negative + 1) * m),
    }).loss;
  });
}

/** Top-3 ids: of the logits for softmax, by cosine against the table for continuous heads. */
function referenceDecode(spec: CheckedHeadSpec, outputs: Float64Array): number[] {
  if (spec.kind !== 'softmax') return topKReference(outputs, headTable, N, V, m, 3, true).ids.flat();
  return Array.from({ length: N }, (_, r) =>
    [...Array(V).keys()].sort((a, b) => outputs[r * V + b]! - outputs[r * V + a]! || a - b).slice(0, 3),
  ).flat();
}

export const headChecks: KernelCheck[] = headSpecs.flatMap((spec): KernelCheck[] => [
  {
    kernel: `head ${spec.kind} loss`,
    sizes: `N=${N} d=${d} V=${V}${spec.kind === 'softmax' ? '' : ` m=${m}`}`,
    tolerance: 1e-4,
    async run(engine) {
      const { head, hidden, targets } = makeHead(engine, spec);
      try {
        const actual = await engine.tidy(() => head.loss(hidden, targets)).read();
        return { actual, reference: referenceLoss(spec, await linearOutputs(head.parameters(), headHidden, N, d)) };
      } finally {
        head.release();
      }
    },
  },
  {
    kernel: `head ${spec.kind} decode top-3`,
    sizes: `N=${N} d=${d} V=${V}`,
    tolerance: 0,
    async run(engine) {
      const { head, hidden } = makeHead(engine, spec);
      try {
        const ids = await engine.tidy(() => head.decode(hidden, 3).ids).read();
        return {
          actual: ids,
          reference: referenceDecode(spec, await linearOutputs(head.parameters(), headHidden, N, d)),
        };
      } finally {
        head.release();
      }
    },
  },
]);
