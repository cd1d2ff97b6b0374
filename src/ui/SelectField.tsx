/** A labelled select over a fixed list of string options. */
import { useId } from 'react';

export interface SelectFieldProps<T extends string> {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  help?: string;
  disabled?: boolean;
  name?: string;
}

export function SelectField<T extends string>({ label, value, options, onChange, help, disabled, name }: SelectFieldProps<T>) {
  const id = useId();
  return (
    <label className="field" htmlFor={id} title={help}>
      <span className="field-label">{label}</span>
      <select
        id={id}
        name={name ?? label}
        value={value}
        disabled={disabled}
        onChange={(e) => {
          const picked = options.find((o) => o.value === e.target.value);
          if (picked) onChange(picked.value);
        }}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
