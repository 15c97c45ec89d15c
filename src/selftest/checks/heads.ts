// Every registered output layer (its loss and its decoding) against the float64 reference its
// definition gives (src/heads), computed from the head's own initial parameters: two checks for each
// spec a definition lists in `reference.checked`, so a new head is checked without an entry here.
import { createHead, headDefinitions, headSpecLabel, type HeadReference, type HeadSpec } from '../../heads';
import { randomArray } from '../../math/random';
import type { Engine } from '../../tensor/engine';
import type { KernelCheck } from '../types';
import { predictionBatch } from './predictionBatch';

export const headShapes = { N: 9, d: 6, V: 40, m: 5 };
const { N, d, V, m } = headShapes;
export const headHidden = Float32Array.from(randomArray(N * d, 1, -1, 1));
const headTargets = Int32Array.from({ length: N }, (_, i) => (i === N - 1 ? -1 : (i * 7) % V));
const headTable = predictionBatch(1, V, m, 3).table;
const batch = {
  hidden: headHidden,
  targets: headTargets,
  table: headTable,
  rows: N,
  hiddenSize: d,
  vocab: V,
  embedding: m,
};

/** Each head at the settings its definition checks, in registration order. */
export const checkedHeadSpecs: HeadSpec[] = headDefinitions.flatMap((definition) => [...definition.reference.checked]);

export function makeHead(engine: Engine, spec: HeadSpec) {
  const head = createHead(engine, spec, {
    hidden: d,
    vocab: V,
    initSeed: 5,
    targetTable: engine.tensor(headTable, [V, m]),
  });
  return { head, hidden: engine.tensor(headHidden, [N, d]), targets: engine.tensor(headTargets, [N], 'i32') };
}

/** Runs `compare` on a fresh head whose biases are random (they start at 0, which would hide where they enter). */
async function withHead<T>(engine: Engine, spec: HeadSpec, compare: (made: ReturnType<typeof makeHead>) => Promise<T>) {
  const made = makeHead(engine, spec);
  made.head.parameters().forEach((p, i) => {
    if (p.label.endsWith('.bias')) engine.write(p, Float32Array.from(randomArray(p.size, 11 + i, -0.5, 0.5)));
  });
  try {
    return await compare(made);
  } finally {
    made.head.release();
  }
}

function checksOf(spec: HeadSpec, reference: HeadReference<HeadSpec>): KernelCheck[] {
  const sizes = `N=${N} d=${d} V=${V} m=${m}: ${headSpecLabel(spec)}`;
  const parameters = (made: ReturnType<typeof makeHead>) =>
    Promise.all(made.head.parameters().map(async (p) => Float32Array.from(await p.read())));
  return [
    {
      kernel: `head ${spec.kind} loss`,
      sizes,
      tolerance: 1e-4,
      run: (engine) =>
        withHead(engine, spec, async (made) => ({
          actual: await engine.tidy(() => made.head.loss(made.hidden, made.targets)).read(),
          reference: reference.loss(spec, await parameters(made), batch),
        })),
    },
    {
      kernel: `head ${spec.kind} decode top-3`,
      sizes,
      tolerance: 0,
      run: (engine) =>
        withHead(engine, spec, async (made) => ({
          actual: await engine.tidy(() => made.head.decode(made.hidden, 3).ids).read(),
          reference: reference.decode(spec, await parameters(made), batch, 3),
        })),
    },
  ];
}

export const headChecks: KernelCheck[] = headDefinitions.flatMap((definition) => {
  const reference = definition.reference as HeadReference<HeadSpec>;
  return reference.checked.flatMap((spec) => checksOf(spec, reference));
});
