/** Recipe: presets and every loss, optimiser, evaluation, checkpoint and backend knob of the DistillConfig. */
import type { DistillConfig } from '../engine/config/config.ts';
import { PRESETS } from '../engine/config/presets.ts';
import { useActions, useApp } from './app_context.tsx';
import { NumberField } from './NumberField.tsx';
import { SelectField } from './SelectField.tsx';
import { BackendInfo } from './BackendInfo.tsx';

type NumKey = { [K in keyof DistillConfig]: DistillConfig[K] extends number ? K : never }[keyof DistillConfig];

interface NumSpec {
  key: NumKey;
  label: string;
  help: string;
  integer?: boolean;
  step?: number;
}

const LOSS_FIELDS: NumSpec[] = [
  { key: 'alpha_kd', label: 'α KD', help: 'weight of divergence(teacher_T ‖ student_T) · T²', step: 0.5 },
  { key: 'alpha_hard', label: 'α hard', help: 'weight of cross-entropy against labels', step: 0.5 },
  { key: 'alpha_cos', label: 'α cos', help: 'weight of 1 − cos(student hidden · W, teacher hidden)', step: 0.5 },
  { key: 'alpha_mse', label: 'α MSE', help: 'weight of the logit mean squared error', step: 0.5 },
  { key: 'temperature', label: 'temperature', help: 'softens both distributions; KD is scaled by T²', step: 0.5 },
  { key: 'skew_alpha', label: 'skew α', help: 'DistiLLM skew: share of the teacher mixed into the student side', step: 0.05 },
  { key: 'jsd_beta', label: 'JSD β', help: 'generalised JSD mixture weight, in (0, 1)', step: 0.05 },
];

const OPTIM_FIELDS: NumSpec[] = [
  { key: 'lr', label: 'learning rate', help: 'peak AdamW learning rate', step: 0.0001 },
  { key: 'warmup_steps', label: 'warm-up steps', help: 'linear warm-up from 0', integer: true },
  { key: 'min_lr_ratio', label: 'min lr ratio', help: 'decay ends at this share of lr', step: 0.05 },
  { key: 'batch_size', label: 'batch', help: 'examples per step', integer: true },
  { key: 'steps', label: 'steps', help: 'optimiser steps', integer: true },
  { key: 'clip_norm', label: 'clip norm', help: 'global gradient-norm clip; 0 disables', step: 0.5 },
  { key: 'weight_decay', label: 'weight decay', help: 'decoupled, not on biases/LayerNorm/embeddings', step: 0.01 },
  { key: 'beta1', label: 'Adam β1', help: 'first-moment decay', step: 0.01 },
  { key: 'beta2', label: 'Adam β2', help: 'second-moment decay', step: 0.001 },
  { key: 'adam_eps', label: 'Adam ε', help: 'denominator floor', step: 1e-9 },
];

const RUN_FIELDS: NumSpec[] = [
  { key: 'seed', label: 'seed', help: 'init, dropout, batching and the held-out split', integer: true },
  { key: 'eval_every', label: 'eval every', help: 'steps between held-out evaluations (0: only at the end)', integer: true },
  { key: 'eval_fraction', label: 'held-out share', help: 'when the file has no split', step: 0.05 },
  { key: 'report_every', label: 'report every', help: 'steps per read-back (chart batch)', integer: true },
  { key: 'eval_max_examples', label: 'eval examples', help: 'cap on held-out examples evaluated', integer: true },
  { key: 'checkpoint_every', label: 'checkpoint every', help: 'steps between resumable checkpoints kept in this browser (0: by time only)', integer: true },
  { key: 'checkpoint_seconds', label: 'checkpoint secs', help: 'also checkpoint after this many seconds (0: by steps only)', step: 5 },
];

const DIVERGENCES = [
  { value: 'kl', label: 'forward KL' },
  { value: 'rkl', label: 'reverse KL' },
  { value: 'skew_kl', label: 'skew KL (DistiLLM)' },
  { value: 'skew_rkl', label: 'skew reverse KL' },
  { value: 'jsd', label: 'generalised JSD' },
] as const;

const PRESET_LABELS: Record<string, string> = {
  distilbert: 'DistilBERT triple loss',
  kd: 'KD only',
  hard: 'Hard labels only',
  'skew-kl': 'DistiLLM skew KL',
};

function Fields({ specs }: { specs: NumSpec[] }) {
  const config = useApp((s) => s.config.values);
  const errorKey = useApp((s) => s.config.error?.key);
  const { setConfigValue } = useActions();
  return (
    <div className="grid-fields">
      {specs.map((f) => (
        <NumberField
          key={f.key}
          label={f.label}
          name={f.key}
          value={config[f.key]}
          integer={f.integer}
          step={f.step ?? 1}
          min={0}
          help={f.help}
          invalid={errorKey === f.key}
          onChange={(v) => setConfigValue(f.key, v)}
        />
      ))}
    </div>
  );
}

export function RecipePanel() {
  const config = useApp((s) => s.config.values);
  const preset = useApp((s) => s.config.preset);
  const error = useApp((s) => s.config.error);
  const { setConfigValue, applyPreset } = useActions();
  return (
    <section className="panel" aria-labelledby="recipe-title">
      <h2 id="recipe-title">Recipe</h2>
      <div className="presets" role="group" aria-label="presets">
        {Object.entries(PRESETS).map(([name, p]) => (
          <button
            key={name}
            type="button"
            className={preset === name ? 'chip chip-on' : 'chip'}
            title={p.description}
            aria-pressed={preset === name}
            onClick={() => applyPreset(name)}
          >
            {PRESET_LABELS[name] ?? name}
          </button>
        ))}
      </div>
      <h3>Losses</h3>
      <Fields specs={LOSS_FIELDS} />
      <div className="grid-fields">
        <SelectField label="divergence" name="divergence" value={config.divergence} options={DIVERGENCES} onChange={(v) => setConfigValue('divergence', v)} />
        <SelectField
          label="distilled positions"
          name="distill_positions"
          value={config.distill_positions}
          options={[
            { value: 'all', label: 'all non-pad' },
            { value: 'labelled', label: 'labelled only' },
          ]}
          onChange={(v) => setConfigValue('distill_positions', v)}
        />
      </div>
      <h3>Optimiser</h3>
      <Fields specs={OPTIM_FIELDS} />
      <div className="grid-fields">
        <SelectField
          label="schedule"
          name="schedule"
          value={config.schedule}
          options={[
            { value: 'linear', label: 'linear decay' },
            { value: 'cosine', label: 'cosine decay' },
            { value: 'constant', label: 'constant' },
          ]}
          onChange={(v) => setConfigValue('schedule', v)}
        />
      </div>
      <h3>Run</h3>
      <Fields specs={RUN_FIELDS} />
      <h3>Backend</h3>
      <div className="grid-fields">
        <SelectField
          label="backend"
          name="backend"
          value={config.backend}
          options={[
            { value: 'auto', label: 'auto' },
            { value: 'webgpu', label: 'WebGPU' },
            { value: 'webgl', label: 'WebGL' },
            { value: 'wasm', label: 'WASM' },
            { value: 'cpu', label: 'CPU (slow)' },
          ]}
          onChange={(v) => setConfigValue('backend', v)}
        />
      </div>
      <BackendInfo />
      {error && (
        <p className="error" role="alert" data-testid="config-error">
          {error.message}
        </p>
      )}
    </section>
  );
}
