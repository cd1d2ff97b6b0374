/**
 * One DistillConfig key as a form field, entirely from its schema row (engine/config/schema.ts): label, help,
 * unit, the input's min / max / step, a select's options, and the same check the merge applies — so the
 * field turns invalid for exactly the values the run would refuse (temperature 0, a fractional step count),
 * with the reason beside it. Fields are locked while a run is active: the run keeps the config it started
 * with, and the link keeps naming it.
 */
import { useCallback } from 'react';
import { autoEvalEvery } from '../engine/config/auto.ts';
import { choiceOf, fieldOf, keysOf, takesAuto, type ConfigGroup, type ConfigKey } from '../engine/config/schema.ts';
import { checkConfigValue, describeBounds } from '../engine/config/validate.ts';
import { isActive } from '../session/run_machine.ts';
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
  if (f.kind === 'choice') return `${f.help}${unit}`;
  return `${f.help}${unit}; ${describeBounds(f)}${takesAuto(f) ? `; empty: auto (${f.auto})` : ''}`;
}

export const LOCKED_HELP = 'locked while a run trains: it keeps the config it started with (stop it to edit)';

export function ConfigField({ name }: { name: ConfigKey }) {
  const value = useApp((s) => s.config.values[name]);
  const steps = useApp((s) => s.config.values.steps);
  const message = useApp((s) => (s.config.error?.key === name ? s.config.error.message : null));
  const locked = useApp((s) => isActive(s.run.status));
  const { setConfigValue, setFieldDraft } = useActions();
  const onDraft = useCallback((why: string | null) => setFieldDraft(name, why), [name, setFieldDraft]);
  const field = fieldOf(name);
  if (field.kind === 'choice') {
    const options = field.values.map((v) => ({ value: String(v), label: field.labels[String(v)] ?? String(v) }));
    return (
      <SelectField
        label={field.label}
        name={name}
        value={String(value)}
        options={options}
        help={locked ? LOCKED_HELP : helpOf(name)}
        disabled={locked}
        onChange={(text) => {
          const picked = choiceOf(name, text);
          if (picked !== undefined) setConfigValue(name, picked);
        }}
      />
    );
  }
  const auto = takesAuto(field) ? { hint: name === 'eval_every' ? `every ${autoEvalEvery(steps)} steps` : field.auto } : undefined;
  return (
    <NumberField
      label={field.label}
      name={name}
      value={value === 'auto' ? 'auto' : typeof value === 'number' ? value : Number.NaN}
      integer={field.kind === 'integer'}
      step={field.step}
      {...inputRange(name)}
      help={locked ? LOCKED_HELP : helpOf(name)}
      invalid={message !== null}
      message={message}
      check={(n) => checkConfigValue(name, n)}
      onDraft={onDraft}
      auto={auto}
      disabled={locked}
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
