// PLIF kernels (shaders/plif.wgsl): the scan, f, ∂/∂x and the deterministic ∂/∂θ, against float64
// references, plus finite differences in x and θ.
import { mulberry32, normalSampler, randomArray } from '../../math/random';
import { plifBackward, plifForward, plifKnots, softplus, type PlifGridReference } from '../../math/reference/plif';
import { plifInitialTheta } from '../../heads/plif';
import { exclusiveScan, plif } from '../../tensor/ops/plif';
import { gradientCheck } from '../gradcheck';
import type { KernelCheck } from '../types';

export interface PlifCase extends PlifGridReference {
  n: number;
}

const describe = ({ n, pieces, range }: PlifCase) => `n=${n} K=${pieces} T=${range}`;

/**
 * Logits at random offsets inside random pieces (5–95 % of the way across), a tenth of them beyond
 * ±T: f32 and float64 then agree on every piece index, which a value within an ulp of a knot would not.
 */
export function plifInputs({ n, pieces, range }: PlifCase, seed: number): Float32Array {
  const random = mulberry32(seed);
  const delta = (2 * range) / pieces;
  return Float32Array.from({ length: n }, () => {
    if (random() < 0.1) return (random() < 0.5 ? -1 : 1) * range * (1.05 + random());
    return -range + (Math.floor(random() * pieces) + 0.05 + 0.9 * random()) * delta;
  });
}

function scanCheck(n: number, reverse: boolean): KernelCheck {
  return {
    kernel: reverse ? 'plif scan (suffix sums)' : 'plif scan (prefix sums of softplus)',
    sizes: `K=${n}`,
    // Sums reach ~n; the float64 reference differs by the f32 rounding of a few hundred additions.
    tolerance: 1e-5,
    async run(engine) {
      const src = reverse ? Float32Array.from(randomArray(n, n, -1, 1)) : plifInitialTheta(n, n);
      const actual = await engine
        .tidy(() => exclusiveScan(engine, engine.tensor(src, [n]), { softplus: !reverse, reverse }).sums)
        .read();
      const values = reverse ? Array.from(src) : Array.from(src, softplus);
      const reference = new Float64Array(n);
      if (reverse) for (let i = n - 2; i >= 0; i--) reference[i] = reference[i + 1]! + values[i + 1]!;
      else reference.set(plifKnots(src).c);
      return { actual, reference };
    },
  };
}

function forwardCheck(c: PlifCase): KernelCheck {
  return {
    kernel: 'plif forward',
    sizes: describe(c),
    tolerance: 1e-5,
    async run(engine) {
      const x = plifInputs(c, c.n);
      const theta = plifInitialTheta(c.pieces, c.pieces);
      const actual = await engine.tidy(() => plif(engine.tensor(x, [c.n]), engine.tensor(theta, [c.pieces]), c)).read();
      return { actual, reference: plifForward(x, theta, c) };
    },
  };
}

function backwardCheck(c: PlifCase, of: 'x' | 'theta'): KernelCheck {
  return {
    kernel: `plif backward ∂/∂${of === 'x' ? 'x' : 'θ'}`,
    sizes: describe(c),
    // ∂θ: in f32 the knot t_i = −T + iδ is off the exact grid by up to ~1e-6 (|t| ≤ 20), so each
    // logit's (x − t_i) carries that absolute error: entries below 0.1 are compared absolutely.
    tolerance: of === 'x' ? 1e-6 : 1e-4,
    floor: of === 'x' ? 1 : 0.1,
    async run(engine) {
      const x = plifInputs(c, c.n);
      const theta = plifInitialTheta(c.pieces, c.pieces);
      const g = Float32Array.from(randomArray(c.n, c.n + 1));
      const actual = await engine
        .tidy(() => {
          const xt = engine.tensor(x, [c.n]);
          const tt = engine.tensor(theta, [c.pieces]);
          xt.requiresGrad = true;
          tt.requiresGrad = true;
          engine.backward(plif(xt, tt, c), engine.tensor(g, [c.n]));
          return of === 'x' ? xt.grad! : tt.grad!;
        })
        .read();
      const reference = plifBackward(x, theta, g, c);
      return { actual, reference: of === 'x' ? reference.dx : reference.dtheta };
    },
  };
}

const plifCases: PlifCase[] = [
  { n: 1, pieces: 3, range: 1 },
  { n: 17 * 33, pieces: 1000, range: 20 },
  { n: 65 * 257, pieces: 100_000, range: 20 },
];

// Finite differences: f is linear in w between knots and smooth in θ, so a θ check is exact up to
// rounding; in x it is only piecewise smooth, so x sits ≥ 0.3 from any knot (δ = 1) and ε·|v| ≤ 0.01.
const thetaGrid = { pieces: 7, range: 2 };
const xGrid = { pieces: 8, range: 4 };
const fdRows = 3;
const fdCols = 5;
const fdX = Float32Array.from(randomArray(fdRows * fdCols, 11, -3, 3));
const centeredX = Float32Array.from(
  randomArray(fdRows * fdCols, 12, -5, 5),
  (v) => Math.floor(v) + 0.5 + 0.2 * Math.sin(17 * v),
);
const fdTheta = (pieces: number) => {
  const normal = normalSampler(pieces);
  return Float32Array.from({ length: pieces }, () => normal());
};

export const plifChecks: KernelCheck[] = [
  ...[1, 3, 257, 1000, 100_000].map((n) => scanCheck(n, false)),
  ...[1, 257, 1000].map((n) => scanCheck(n, true)),
  ...plifCases.map(forwardCheck),
  ...plifCases.map((c) => backwardCheck(c, 'x')),
  ...plifCases.map((c) => backwardCheck(c, 'theta')),
  gradientCheck(
    'plif ∂/∂θ',
    `n=${fdRows}×${fdCols} K=${thetaGrid.pieces}`,
    [
      { data: fdX, shape: [fdRows, fdCols], constant: true },
      { data: fdTheta(thetaGrid.pieces), shape: [thetaGrid.pieces] },
    ],
    () => ({ f: ([x, theta]) => plif(x!, theta!, thetaGrid) }),
    { differentiates: ['plif'] },
  ),
  gradientCheck(
    'plif ∂/∂x',
    `n=${fdRows}×${fdCols} K=${xGrid.pieces}`,
    [
      { data: centeredX, shape: [fdRows, fdCols] },
      { data: fdTheta(xGrid.pieces), shape: [xGrid.pieces], constant: true },
    ],
    () => ({ f: ([x, theta]) => plif(x!, theta!, xGrid) }),
    { differentiates: ['plif'] },
  ),
];
