// A linear classifier trained on the GPU, one submit per step: `npx tsx examples/train-linear.ts`.
import { acquireNodeGpu } from '../src/gpu/nodeGpu';
import { Adam, Engine, matmul, meanRows, mulberry32, softmaxCrossEntropy } from '../src/index';

// Inputs: n random points in d dimensions, labelled by whichever of `classes` random directions
// scores highest, so a linear layer can learn the labels.
const n = 256;
const d = 16;
const classes = 4;
const random = mulberry32(1);
const inputs = Float32Array.from({ length: n * d }, () => 2 * random() - 1);
const directions = Float32Array.from({ length: classes * d }, () => 2 * random() - 1);
const labels = Int32Array.from({ length: n }, (_, i) => {
  const scores = Array.from({ length: classes }, (_, c) =>
    directions.subarray(c * d, (c + 1) * d).reduce((sum, w, j) => sum + w * inputs[i * d + j], 0),
  );
  return scores.indexOf(Math.max(...scores));
});

const engine = new Engine(await acquireNodeGpu());
const x = engine.tensor(inputs, [n, d]); // Float32Array → GPU
const y = engine.tensor(labels, [n], 'i32');
const w = engine.parameter(new Float32Array(classes * d), [classes, d], 'w');
const adam = new Adam(engine, [w], { lr: 0.01, clipNorm: 5 });
const losses: Promise<ArrayLike<number>>[] = [];
for (let step = 0; step < 100; step++) {
  losses.push(
    engine.step(() => {
      const loss = meanRows(softmaxCrossEntropy(matmul(x, w, { transposeB: true }), y));
      engine.backward(loss);
      adam.step();
      return engine.readLater(loss); // settles later: the loop never waits for the GPU
    }),
  );
}
console.log(`loss: ${(await losses[0])[0].toFixed(3)} at step 1, ${(await losses.at(-1)!)[0].toFixed(3)} at step 100`);
engine.destroy();
