// The runs of the comparison: one row per variant (usually a head), with its parameters editable
// in place, and a menu to add another output layer.
import { useId } from 'react';
import { plifDefaults, type HeadSpec } from '../../heads';
import { headLabel } from '../../experiments/overrides';
import { useExperimentStore } from '../state/experiment';

/** Each template adds one run; `with` holds settings the run needs besides its head. */
const headTemplates: { name: string; head: HeadSpec; with?: Record<string, unknown> }[] = [
  { name: 'softmax', head: { kind: 'softmax' } },
  {
    name: 'softmax over BPE subwords (word→BPE)',
    head: { kind: 'softmax' },
    with: { 'data.targetTokenization': 'bpe' },
  },
  { name: 'softmax, tied to the decoder input', head: { kind: 'softmax', tied: true } },
  {
    name: 'NLLvMF, log(1+κ)(λ − cos) (reference code)',
    head: { kind: 'vmf', regularizer: { kind: 'log1p', lambda: 0.2 }, approximate: false },
  },
  {
    name: "NLLvMF, log(1+κ)(λ − cos), generator layer norm (the authors' Transformer recipe)",
    head: { kind: 'vmf', regularizer: { kind: 'log1p', lambda: 0.2 }, approximate: false, generatorLayerNorm: true },
  },
  {
    name: 'NLLvMF reg1+reg2 (paper)',
    head: { kind: 'vmf', regularizer: { kind: 'reg1+reg2', lambda1: 0.02, lambda2: 0.1 }, approximate: false },
  },
  { name: 'NLLvMF reg1', head: { kind: 'vmf', regularizer: { kind: 'reg1', lambda1: 0.02 }, approximate: false } },
  { name: 'NLLvMF, no regulariser', head: { kind: 'vmf', regularizer: { kind: 'none' }, approximate: false } },
  { name: 'L2', head: { kind: 'l2' } },
  { name: 'cosine', head: { kind: 'cosine' } },
  { name: 'max-margin', head: { kind: 'max-margin', margin: 0.5 } },
  { name: 'syn-margin (projection)', head: { kind: 'syn-margin-projection', margin: 0.5 } },
  { name: 'syn-margin (difference)', head: { kind: 'syn-margin-difference', margin: 0.5 } },
  {
    name: 'PLIF: softmax of a learned monotonic function of the logits (K = 100,000; slopes by SGD, as the reference)',
    head: { kind: 'plif' },
  },
  { name: 'PLIF with frozen slopes (f fixed at its random initial shape)', head: { kind: 'plif', frozen: true } },
  { name: 'PLIF with slopes trained by Adam', head: { kind: 'plif', slopeOptimizer: 'adam' } },
  { name: 'PLIF, tied to the decoder input', head: { kind: 'plif', tied: true } },
  { name: 'mixture of softmaxes (K = 15)', head: { kind: 'mos' } },
  {
    name: "mixture of softmaxes (K = 15), tied to the decoder input (the reference's default)",
    head: { kind: 'mos', tied: true },
  },
];

/** The numeric parameters a head spec carries, with their paths inside the spec. */
function headParameters(head: HeadSpec): { path: string[]; label: string; value: number }[] {
  if (head.kind === 'vmf') {
    return Object.entries(head.regularizer)
      .filter(([, v]) => typeof v === 'number')
      .map(([key, value]) => ({
        path: ['regularizer', key],
        label: key.replace('lambda', 'λ'),
        value: value as number,
      }));
  }
  if (head.kind === 'plif' && !head.frozen)
    return [{ path: ['lr'], label: 'slope lr', value: head.lr ?? plifDefaults.lr }];
  return 'margin' in head ? [{ path: ['margin'], label: 'margin γ', value: head.margin }] : [];
}

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
        headParameters(head).map((p) => (
          <label key={p.path.join('.')} htmlFor={`${id}-${p.path.join('-')}`} className="inline-field">
            {p.label}
            <input
              id={`${id}-${p.path.join('-')}`}
              type="number"
              step="any"
              defaultValue={p.value}
              disabled={locked}
              onBlur={(e) => replace({ ...variant, head: withParameter(head, p.path, Number(e.target.value)) })}
            />
          </label>
        ))}
      {head?.kind === 'vmf' && (
        <label className="inline-field">
          <input
            type="checkbox"
            checked={head.approximate}
            disabled={locked}
            onChange={(e) => replace({ ...variant, head: { ...head, approximate: e.target.checked } })}
          />
          closed-form approximation
        </label>
      )}
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
          const template = headTemplates[Number(e.target.value)];
          if (template) setVariants([...variants, { head: structuredClone(template.head), ...template.with }]);
        }}
      >
        <option value="">choose…</option>
        {headTemplates.map((t, i) => (
          <option key={t.name} value={i}>
            {t.name}
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
