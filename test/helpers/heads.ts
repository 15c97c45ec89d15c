// A toy problem for output heads, and the loop that trains one on it: shared by the PLIF and
// mixture-of-softmaxes tests.
import { optimizerGroups, type Head } from '../../src/heads';
import { mulberry32, randomArray } from '../../src/math/random';
import { Adam } from '../../src/nn/adam';
import type { Engine } from '../../src/tensor/engine';
import { sumAll } from '../../src/tensor/ops/reduce';
import type { Tensor } from '../../src/tensor/tensor';

/** Fixed hidden states [N, d] and targets of a toy problem with V classes; every 7th target is padding (−1). */
export function toyProblem(engine: Engine, n: number, d: number, vocab: number): { hidden: Tensor; targets: Tensor } {
  const random = mulberry32(3);
  return {
    hidden: engine.tensor(randomArray(n * d, 4, -1, 1), [n, d]),
    targets: engine.tensor(
      Int32Array.from({ length: n }, (_, i) => (i % 7 === 6 ? -1 : Math.floor(random() * vocab))),
      [n],
      'i32',
    ),
  };
}

/** `steps` Adam steps (lr 0.05, the head's own parameter groups) on the head alone; the summed loss before each. */
export async function trainHead(
  engine: Engine,
  head: Head,
  { hidden, targets }: { hidden: Tensor; targets: Tensor },
  steps: number,
): Promise<number[]> {
  const adam = new Adam(engine, optimizerGroups(head, []), { lr: 0.05 });
  const losses: number[] = [];
  try {
    for (let s = 0; s < steps; s++) {
      const loss = engine.step(() => {
        const l = sumAll(head.loss(hidden, targets));
        engine.backward(l);
        adam.step();
        return engine.readLater(l);
      });
      losses.push((await loss)[0]!);
    }
    return losses;
  } finally {
    adam.release();
  }
}
