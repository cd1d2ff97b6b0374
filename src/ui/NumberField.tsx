/**
 * A labelled number input that keeps what is typed (e.g. "0.") and commits every finite number. What cannot
 * be a value yet ("1.5" in an integer field, an empty box) is reported as a draft (`onDraft`: Train waits for
 * it); `check` (the config's own rule) marks a committed number the run would refuse. Either message, or the
 * store's for this field (`message`), is shown beside the input and tied to it (aria-describedby).
 * `auto`: the field also takes 'auto' — an empty box — shown with what auto resolves to.
 */
import { useEffect, useId, useState } from 'react';

export interface NumberFieldProps {
  label: string;
  value: number | 'auto';
  onChange: (value: number | 'auto') => void;
  step?: number | 'any';
  min?: number;
  max?: number;
  integer?: boolean;
  /** One line of help shown as a tooltip. */
  help?: string;
  invalid?: boolean;
  /** Why a number is refused (null: fine). */
  check?: (value: number) => string | null;
  /** The store's message for this field (a rule across keys), shown when the field has none of its own. */
  message?: string | null;
  /** The typed text is not a value (`message`), or is one again (null). */
  onDraft?: (message: string | null) => void;
  /** The field takes 'auto' (an empty box): `hint` says what it resolves to. */
  auto?: { hint: string };
  disabled?: boolean;
  name?: string;
}

const textOf = (value: number | 'auto') => (value === 'auto' ? '' : String(value));

/** Why `text` is not a number this field takes yet, or null. */
function draftProblem(text: string, integer: boolean, auto: boolean): string | null {
  if (text.trim() === '') return auto ? null : 'type a number';
  const n = Number(text);
  if (!Number.isFinite(n)) return `"${text}" is not a number`;
  if (integer && !Number.isInteger(n)) return `"${text}" is not a whole number`;
  return null;
}

export function NumberField({ label, value, onChange, step = 'any', min, max, integer, help, invalid, check, message, onDraft, auto, disabled, name }: NumberFieldProps) {
  const id = useId();
  const [text, setText] = useState(textOf(value));
  useEffect(() => {
    setText((current) => (value === 'auto' ? (current.trim() === '' ? current : '') : Number(current) === value && current.trim() !== '' ? current : String(value)));
  }, [value]);
  const draft = draftProblem(text, integer === true, auto !== undefined);
  const refused = draft !== null || text.trim() === '' ? null : (check?.(Number(text)) ?? null);
  const shown = draft ?? refused ?? message ?? null;
  const bad = invalid || draft !== null || refused !== null;
  useEffect(() => onDraft?.(draft), [draft, onDraft]);
  useEffect(() => () => onDraft?.(null), [onDraft]);
  return (
    <div className="field-wrap">
      <label className={`field${bad ? ' field-invalid' : ''}`} htmlFor={id} title={help}>
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
          placeholder={auto && value === 'auto' ? `auto: ${auto.hint}` : undefined}
          aria-invalid={bad}
          aria-describedby={shown ? `${id}-message` : undefined}
          onChange={(e) => {
            const next = e.target.value;
            setText(next);
            if (auto && next.trim() === '') onChange('auto');
            else if (draftProblem(next, integer === true, false) === null) onChange(Number(next));
          }}
        />
      </label>
      {shown && (
        <span id={`${id}-message`} className="field-message" data-testid={`field-message-${name ?? label}`}>
          {shown}
        </span>
      )}
    </div>
  );
}
