import { useId, useMemo, useState } from 'react';
import { besselCurves, besselFigure, dimensionRange } from './besselCurves';
import { Plot } from './Plot';
import { PlotCard } from './PlotCard';

const [minM, maxM] = dimensionRange;

function parseDimension(text: string): number | undefined {
  const m = Number(text);
  return Number.isInteger(m) && m >= minM && m <= maxM ? m : undefined;
}

/** −log C_m(κ) against the paper's closed form, for a dimension the reader picks. */
export function BesselExplorer({ initialM = 300 }: { initialM?: number }) {
  const inputId = useId();
  const errorId = useId();
  const [draft, setDraft] = useState(String(initialM));
  // The last valid m stays plotted while the reader types an intermediate value such as "1".
  const [m, setM] = useState(initialM);
  const curves = useMemo(() => besselCurves(m), [m]);
  const figure = useMemo(() => besselFigure(curves), [curves]);
  const invalid = parseDimension(draft) === undefined;
  const controls = (
    <div className="plot-number">
      <label htmlFor={inputId}>Embedding dimension m</label>
      <input
        id={inputId}
        type="number"
        min={minM}
        max={maxM}
        step={1}
        value={draft}
        aria-invalid={invalid}
        aria-describedby={invalid ? errorId : undefined}
        onChange={(event) => {
          setDraft(event.target.value);
          const parsed = parseDimension(event.target.value);
          if (parsed !== undefined) setM(parsed);
        }}
      />
      {invalid && (
        <span id={errorId} className="error-text">
          m must be a whole number from {minM} to {maxM}
        </span>
      )}
    </div>
  );
  const approx = curves.approximation;
  return (
    <PlotCard title="vMF normaliser explorer" controls={controls}>
      <p className="card-intro">
        {approx
          ? `The closed form g(κ) is a pseudo-loss: g(κ) − (−log C_${m}(κ)) = ${approx.offset.toPrecision(4)} at κ = ${approx.referenceKappa}, so g is drawn shifted by that much; only its slope, the bound on A(κ), enters training. At m = ${m} that bound is within ${(100 * approx.largestGap).toPrecision(2)} % of A(κ) (the gap is 1/(m/2 − 1), widest as κ → 0).`
          : 'The closed form needs m ≥ 3 (at m = 2 its “bound” exceeds 1 for small κ): only the exact curves are drawn.'}
      </p>
      <Plot
        figure={figure}
        label={`Exact −log C_${m}(κ) and the shifted closed-form pseudo-loss (top), and the Bessel ratio A(κ) with its bound (bottom), for κ from 0.001 to 10000 on a log axis`}
        fileName={`vmf-normaliser-m${m}`}
        height={480}
      />
    </PlotCard>
  );
}
