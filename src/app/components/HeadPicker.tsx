// The runs of the comparison: one row per variant (usually a head), with its settings editable in
// place, and a menu to add another output layer. Both come from the head definitions (src/heads).
import { useId } from 'react';
import { headOffers, headSettings, type HeadSpec } from '../../heads';
import { headLabel } from '../../experiments/overrides';
import { useExperimentStore } from '../state/experiment';

function withParameter(head: HeadSpec, path: string[], value: unknown): HeadSpec {
  const copy = structuredClone(head) as unknown as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1)!] = value;
  return copy as unknown as HeadSpec;
}

function HeadRow({ index, variant, locked }: { index: number; variant: Record<string, unknown>; locked: boolean }) {
  const variants = useExperimentStore((s) => s.variants);
  const setVariants = useExperimentStore((s) => s.setVariants);
  const id = useId();
  const head = variant.head as HeadSpec | undefined;
  const replace = (next: Record<string, unknown>) => setVariants(variants.map((v, i) => (i === index ? next : v)));
  const others = Object.entries(variant).filter(([key]) => key !== 'head');
  const title = head ? headLabel(head) : 'run';
  return (
    <li className="head-row">
      <span className="head-label">
        {title}
        {others.length > 0 && <small> ({others.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')})</small>}
      </span>
      {head &&
        headSettings(head).map((p) => {
          const inputId = `${id}-${p.path.join('-')}`;
          const change = (value: number | boolean) => replace({ ...variant, head: withParameter(head, p.path, value) });
          return typeof p.value === 'boolean' ? (
            <label key={p.path.join('.')} htmlFor={inputId} className="inline-field">
              <input
                id={inputId}
                type="checkbox"
                checked={p.value}
                disabled={locked}
                onChange={(e) => change(e.target.checked)}
              />
              {p.label}
            </label>
          ) : (
            <label key={p.path.join('.')} htmlFor={inputId} className="inline-field">
              {p.label}
              <input
                id={inputId}
                type="number"
                step="any"
                defaultValue={p.value}
                disabled={locked}
                onBlur={(e) => change(Number(e.target.value))}
              />
            </label>
          );
        })}
      <button
        type="button"
        disabled={locked || variants.length <= 1}
        aria-label={`Remove run ${title}`}
        onClick={() => setVariants(variants.filter((_, i) => i !== index))}
      >
        Remove
      </button>
    </li>
  );
}

export function HeadPicker({ locked }: { locked: boolean }) {
  const variants = useExperimentStore((s) => s.variants);
  const setVariants = useExperimentStore((s) => s.setVariants);
  const error = useExperimentStore((s) => s.errors.runs);
  const addId = useId();
  return (
    <fieldset className="heads" disabled={locked}>
      <legend>Runs to compare (output layers)</legend>
      <ul>
        {variants.map((variant, i) => (
          <HeadRow key={i} index={i} variant={variant} locked={locked} />
        ))}
      </ul>
      <label htmlFor={addId}>Add an output layer</label>{' '}
      <select
        id={addId}
        value=""
        onChange={(e) => {
          const offer = headOffers[Number(e.target.value)];
          if (offer) setVariants([...variants, { head: structuredClone(offer.spec), ...offer.with }]);
        }}
      >
        <option value="">choose…</option>
        {headOffers.map((offer, i) => (
          <option key={offer.name} value={i}>
            {offer.name}
          </option>
        ))}
      </select>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
