/**
 * One DistillConfig key as a form field, entirely from its schema row (engine/config/schema.ts): label, help,
 * unit, the input's min / max / step, a select's options, and the same check the merge applies — so the
 * field turns invalid for exactly the values the run would refuse (temperature 0, a fractional step count).
 */
import { choiceOf, fieldOf, keysOf, type ConfigGroup, type ConfigKey } from '../engine/config/schema.ts';
import { checkConfigValue, describeBounds } from '../engine/config/validate.ts';
import { useActions, useApp } from './app_context.tsx';
import { NumberField } from './NumberField.tsx';
import { SelectField } from './SelectField.tsx';

/** The input's min / max: inclusive bounds as they are; an exclusive one moved in by one step. */
function inputRange(key: ConfigKey): { min?: number; max?: number } {
  const f = fieldOf(key);
  if (f.kind === 'choice') return {};
  return {
    min: f.gt !== undefined ? f.gt + f.step : f.ge,
    max: f.lt !== undefined ? f.lt - f.step : f.le,
  };
}

function helpOf(key: ConfigKey): string {
  const f = fieldOf(key);
  const unit = f.unit ? ` (${f.unit})` : '';
  return f.kind === 'choice' ? `${f.help}${unit}` : `${f.help}${unit}; ${describeBounds(f)}`;
}

export function ConfigField({ name }: { name: ConfigKey }) {
  const value = useApp((s) => s.config.values[name]);
  const invalid = useApp((s) => s.config.error?.key === name);
  const { setConfigValue } = useActions();
  const field = fieldOf(name);
  if (field.kind === 'choice') {
    const options = field.values.map((v) => ({ value: String(v), label: field.labels[String(v)] ?? String(v) }));
    return (
      <SelectField
        label={field.label}
        name={name}
        value={String(value)}
        options={options}
        help={helpOf(name)}
        onChange={(text) => {
          const picked = choiceOf(name, text);
          if (picked !== undefined) setConfigValue(name, picked);
        }}
      />
    );
  }
  return (
    <NumberField
      label={field.label}
      name={name}
      value={typeof value === 'number' ? value : Number.NaN}
      integer={field.kind === 'integer'}
      step={field.step}
      {...inputRange(name)}
      help={helpOf(name)}
      invalid={invalid}
      check={(n) => checkConfigValue(name, n)}
      onChange={(n) => setConfigValue(name, n)}
    />
  );
}

/** Every key of a schema group, in schema order (`skip`: keys this form leaves out). */
export function ConfigFields({ group, skip = [] }: { group: ConfigGroup; skip?: readonly ConfigKey[] }) {
  return (
    <div className="grid-fields">
      {keysOf(group)
        .filter((key) => !skip.includes(key))
        .map((key) => (
          <ConfigField key={key} name={key} />
        ))}
    </div>
  );
}
