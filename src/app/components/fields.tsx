// The labelled inputs every settings form uses (the experiment's and the synthetic bottleneck's).
import { useState, type ReactNode } from 'react';
import './controls.css';

export function Labelled({
  label,
  error,
  children,
  id,
}: {
  label: string;
  error: string | undefined;
  children: ReactNode;
  id: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** A number input that keeps what the user typed until it is committed (Enter or leaving the field). */
export function NumberInput({
  id,
  value,
  step,
  disabled,
  invalid,
  onCommit,
}: {
  id: string;
  value: number;
  step?: number;
  disabled: boolean;
  invalid: boolean;
  onCommit: (value: number) => void;
}) {
  const [text, setText] = useState<string | undefined>(undefined);
  const commit = () => {
    if (text === undefined) return;
    onCommit(text.trim() === '' ? Number.NaN : Number(text));
    setText(undefined);
  };
  return (
    <input
      id={id}
      type="number"
      step={step ?? 'any'}
      value={text ?? String(value)}
      disabled={disabled}
      aria-invalid={invalid}
      aria-describedby={invalid ? `${id}-error` : undefined}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
}
