// The vMF normaliser and its closed-form stand-in, for the Bessel explorer (methods.md A1).
// g(κ) is a pseudo-loss: its derivative bounds A(κ), but g itself sits a roughly constant offset
// away from −log C_m(κ) (about +265 at m = 300). Shifting g to meet −log C_m at one κ shows how
// little that offset drifts, which is what matters for training.
import { besselRatio, vmfLogNormalizer } from '../../math/bessel';
import { vmfPseudoLoss } from '../../math/vmf';
import type { Figure } from './figure';

export const kappaRange = [1e-3, 1e4] as const;
export const dimensionRange = [2, 1024] as const;

export interface BesselCurves {
  m: number;
  /** Log-spaced over kappaRange, both ends included. */
  kappa: number[];
  /** −log C_m(κ), exact. */
  exact: number[];
  /** A(κ) = I_{m/2}(κ) / I_{m/2−1}(κ) = −d log C_m/dκ. */
  ratio: number[];
  /** The closed form needs m ≥ 3 (at m = 2 its "bound" exceeds 1 for small κ); null below that. */
  approximation: {
    /** g(κ) − offset, meeting −log C_m at referenceKappa. */
    shifted: number[];
    offset: number;
    referenceKappa: number;
    /** κ / (v − 1 + √((v+1)² + κ²)) = g'(κ). */
    bound: number[];
    /** The largest |bound/A − 1| on the grid: 1/(m/2 − 1) as κ → 0 (0.7 % at m = 300, 2 % at 100, 6.7 % at 32). */
    largestGap: number;
  } | null;
}

export function besselCurves(m: number, points = 200, referenceKappa = 1): BesselCurves {
  if (!(m >= dimensionRange[0] && m <= dimensionRange[1]))
    throw new RangeError(`m must be in [${dimensionRange.join(', ')}], got ${m}`);
  if (!Number.isInteger(points) || points < 2)
    throw new RangeError(`besselCurves needs at least 2 points, got ${points}`);
  const [low, high] = kappaRange.map(Math.log10) as [number, number];
  const kappa = Array.from({ length: points }, (_, i) => 10 ** (low + ((high - low) * i) / (points - 1)));
  const exact = kappa.map((k) => -vmfLogNormalizer(m, k));
  const ratio = kappa.map((k) => besselRatio(m / 2 - 1, k));
  if (m < 3) return { m, kappa, exact, ratio, approximation: null };
  const offset = vmfPseudoLoss(m, referenceKappa).value + vmfLogNormalizer(m, referenceKappa);
  const pseudo = kappa.map((k) => vmfPseudoLoss(m, k));
  return {
    m,
    kappa,
    exact,
    ratio,
    approximation: {
      shifted: pseudo.map((p) => p.value - offset),
      offset,
      referenceKappa,
      bound: pseudo.map((p) => p.derivative),
      largestGap: Math.max(...pseudo.map((p, i) => Math.abs(p.derivative / ratio[i]! - 1))),
    },
  };
}

const exactColor = '#4477AA';
const approxColor = '#EE6677';

/** Top: −log C_m and the shifted g. Bottom: A(κ) and its bound. Both on a log κ axis. */
export function besselFigure(curves: BesselCurves): Figure {
  const { kappa, approximation: approx } = curves;
  const line = (color: string, dash?: 'dash') => ({ color, width: 2, ...(dash ? { dash } : {}) });
  const shiftedName = approx
    ? `g(κ) ${approx.offset >= 0 ? '−' : '+'} ${Math.abs(approx.offset).toPrecision(4)} (meets at κ = ${approx.referenceKappa})`
    : '';
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines',
        name: '−log C_m(κ), exact',
        x: kappa,
        y: curves.exact,
        line: line(exactColor),
        legendgroup: 'exact',
      },
      ...(approx
        ? [
            {
              type: 'scatter' as const,
              mode: 'lines' as const,
              name: shiftedName,
              x: kappa,
              y: approx.shifted,
              line: line(approxColor, 'dash'),
              legendgroup: 'approx',
            },
          ]
        : []),
      {
        type: 'scatter',
        mode: 'lines',
        name: 'A(κ), exact',
        x: kappa,
        y: curves.ratio,
        yaxis: 'y2',
        line: line(exactColor),
        legendgroup: 'exact',
      },
      ...(approx
        ? [
            {
              type: 'scatter' as const,
              mode: 'lines' as const,
              name: 'bound κ / (v−1+√((v+1)²+κ²))',
              x: kappa,
              y: approx.bound,
              yaxis: 'y2' as const,
              line: line(approxColor, 'dash'),
              legendgroup: 'approx',
            },
          ]
        : []),
    ],
    layout: {
      xaxis: { type: 'log', title: { text: 'κ' }, anchor: 'y2', exponentformat: 'power' },
      yaxis: { title: { text: `−log C_${curves.m}(κ)` }, domain: [0.55, 1] },
      yaxis2: { title: { text: 'A(κ)' }, domain: [0, 0.42], anchor: 'x', range: [0, 1.02] },
      legend: { groupclick: 'toggleitem' },
    },
  };
}
