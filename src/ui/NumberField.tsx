/**
 * A labelled number input that keeps what is typed (e.g. "0.") and commits every finite number; `check`
 * (the config's own rule) marks a committed number the run would refuse as invalid, with the reason as title.
 */
import { useEffect, useId, useState } from 'react';

export interface NumberFieldProps {
  label: string;
  value: number;
  onChange: (value: number) => void;
  step?: number | 'any';
  min?: number;
  max?: number;
  integer?: boolean;
  /** One line of help shown as a tooltip. */
  help?: string;
  invalid?: boolean;
  /** Why a number is refused (null: fine). */
  check?: (value: number) => string | null;
  disabled?: boolean;
  name?: string;
}

export function NumberField({ label, value, onChange, step = 'any', min, max, integer, help, invalid, check, disabled, name }: NumberFieldProps) {
  const id = useId();
  const [text, setText] = useState(String(value));
  useEffect(() => {
    setText((current) => (Number(current) === value && current.trim() !== '' ? current : String(value)));
  }, [value]);
  const parsed = Number(text);
  const unparsed = text.trim() === '' || !Number.isFinite(parsed) || (integer === true && !Number.isInteger(parsed));
  const refused = unparsed ? null : (check?.(parsed) ?? null);
  const bad = unparsed || refused !== null;
  return (
    <label className={`field${invalid || bad ? ' field-invalid' : ''}`} htmlFor={id} title={refused ?? help}>
      <span className="field-label">{label}</span>
      <input
        id={id}
        name={name ?? label}
        type="number"
        inputMode="decimal"
        value={text}
        step={step}
        min={min}
        max={max}
        disabled={disabled}
        aria-invalid={invalid || bad}
        onChange={(e) => {
          setText(e.target.value);
          const n = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isFinite(n) && (!integer || Number.isInteger(n))) onChange(n);
        }}
      />
    </label>
  );
}
