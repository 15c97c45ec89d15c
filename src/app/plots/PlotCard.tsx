import { useId, type ReactNode } from 'react';
import '../views/views.css';

/** A titled card with the plot's own controls beside the title. */
export function PlotCard({ title, controls, children }: { title: string; controls?: ReactNode; children: ReactNode }) {
  const headingId = useId();
  return (
    <section className="card plot-card" aria-labelledby={headingId}>
      <div className="card-head">
        <h2 id={headingId}>{title}</h2>
        {controls && <div className="plot-controls">{controls}</div>}
      </div>
      {children}
    </section>
  );
}
