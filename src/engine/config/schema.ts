/**
 * The config schema: one row per DistillConfig key, flat, with its default, its type and bounds, and how the
 * form shows it (label, unit, help). Everything else derives from this table: the DistillConfig type and
 * DEFAULT_CONFIG (config.ts), validation (validate.ts), the URL hash (parseConfigText), the page's fields.
 * Keys are snake_case because the resolved config is written verbatim into config.json / report.json; rows
 * are in that written order.
 *
 * To add a key: add a row. `integer` / `number` take bounds (`gt` / `ge` below, `lt` / `le` above);
 * `integerOrAuto` is an integer that may also be 'auto' (derived from other keys when the run starts:
 * config/auto.ts); `choice` takes its values, strings or booleans (e.g. 'auto' | true | false), with a form
 * label for each.
 */
import { BACKEND_ORDER } from '../backend_order.ts';
import { DIVERGENCE_NAMES } from '../losses/names.ts';

/** Where the page's form shows a key. */
export type ConfigGroup = 'student' | 'loss' | 'optim' | 'run' | 'runtime';

interface FieldText {
  /** The form's label. */
  label: string;
  /** One line: what the knob does, and why. */
  help: string;
  group: ConfigGroup;
  /** Unit of a number ('steps', 's', 'tokens'), when it has one. */
  unit?: string;
}

/** Bounds of a number: `gt` / `ge` from below (exclusive / inclusive), `lt` / `le` from above. */
export interface Bounds {
  gt?: number;
  ge?: number;
  lt?: number;
  le?: number;
}

export interface NumberField extends FieldText, Bounds {
  kind: 'integer' | 'number';
  default: number;
  /** The form's increment (integers: 1). */
  step: number;
}

/**
 * An integer that may also be 'auto': the trainer derives the number from other keys when the run starts
 * (config/auto.ts resolveAuto), and the resolved number is what the run's config.json / report.json hold.
 */
export interface AutoIntegerField extends FieldText, Bounds {
  kind: 'integer';
  default: number | 'auto';
  step: number;
  /** What 'auto' means, in words (the form's hint). */
  auto: string;
}

export type ChoiceValue = string | boolean;

export interface ChoiceField<V extends ChoiceValue = ChoiceValue> extends FieldText {
  kind: 'choice';
  default: V;
  values: readonly V[];
  /** The form's label of each value, keyed by String(value). */
  labels: Readonly<Record<string, string>>;
}

export type ConfigField = NumberField | AutoIntegerField | ChoiceField;

export function integer(value: number, bounds: Bounds, text: FieldText): NumberField {
  return { kind: 'integer', default: value, step: 1, ...bounds, ...text };
}

export function integerOrAuto(value: number | 'auto', bounds: Bounds, text: FieldText, auto: string): AutoIntegerField {
  return { kind: 'integer', default: value, step: 1, ...bounds, ...text, auto };
}

/** The row takes 'auto' besides its numbers. */
export function takesAuto(field: ConfigField): field is AutoIntegerField {
  return 'auto' in field;
}

export function number(value: number, step: number, bounds: Bounds, text: FieldText): NumberField {
  return { kind: 'number', default: value, step, ...bounds, ...text };
}

/** A choice among `labels`' keys (their order is the form's order); the values keep their literal types. */
export function choice<const V extends ChoiceValue>(value: NoInfer<V>, values: readonly V[], labels: Record<string, string>, text: FieldText): ChoiceField<V> {
  return { kind: 'choice', default: value, values, labels, ...text };
}

const student = (label: string, help: string, unit?: string): FieldText => ({ label, help, unit, group: 'student' });
const loss = (label: string, help: string): FieldText => ({ label, help, group: 'loss' });
const optim = (label: string, help: string, unit?: string): FieldText => ({ label, help, unit, group: 'optim' });
const run = (label: string, help: string, unit?: string): FieldText => ({ label, help, unit, group: 'run' });

const DIVERGENCE_LABELS = { kl: 'forward KL', rkl: 'reverse KL', skew_kl: 'skew KL (DistiLLM)', skew_rkl: 'skew reverse KL', jsd: 'generalised JSD' } as const satisfies Record<(typeof DIVERGENCE_NAMES)[number], string>;

export const CONFIG_SCHEMA = Object.freeze({
  // ---- student transformer ----
  architecture: choice('auto', ['auto', 'distilbert', 'gpt2'], { auto: 'auto (by task)', distilbert: 'DistilBERT', gpt2: 'GPT-2' },
    student('architecture', 'the transformers family the student is: auto picks DistilBERT for mlm and classification, GPT-2 for clm')),
  n_layers: integer(2, { gt: 0 }, student('layers', 'transformer blocks')),
  d_model: integer(128, { gt: 0 }, student('d_model', 'residual width; divisible by heads')),
  n_heads: integer(4, { gt: 0 }, student('heads', 'attention heads; d_model % n_heads == 0')),
  d_ff: integer(512, { gt: 0 }, student('d_ff', 'MLP hidden width (GELU)')),
  max_len: integer(128, { gt: 0 }, student('max length', 'position embeddings; at least the set length (longer inputs are refused)', 'tokens')),
  dropout: number(0.1, 0.05, { ge: 0, lt: 1 }, student('dropout', 'on embeddings, attention output and MLP output (train only)')),
  pooling: choice('mean', ['mean', 'first'], { mean: 'mean', first: 'first token' }, student('pooling', '0.1 run directories only: DistilBERT pools [CLS], GPT-2 the last non-pad token')),

  // ---- losses: total = Σ alpha_i · loss_i ----
  temperature: number(2, 0.5, { gt: 0 }, loss('temperature', 'softens both distributions; KD is scaled by T² (Hinton et al.)')),
  alpha_kd: number(1, 0.5, { ge: 0 }, loss('α KD', "weight of divergence(teacher_T ‖ student_T) · T² (HF distiller's alpha_ce)")),
  alpha_hard: number(0, 0.5, { ge: 0 }, loss('α hard', "weight of cross-entropy against labels (HF's alpha_mlm / alpha_clm)")),
  alpha_cos: number(0, 0.5, { ge: 0 }, loss('α cos', "weight of 1 − cos(student hidden · W, teacher hidden) (HF's alpha_cos)")),
  alpha_mse: number(0, 0.5, { ge: 0 }, loss('α MSE', 'weight of the logit mean squared error (dense teachers; gathered top-k otherwise)')),
  divergence: choice('kl', DIVERGENCE_NAMES, DIVERGENCE_LABELS, loss('divergence', 'which divergence the KD term uses')),
  skew_alpha: number(0.1, 0.05, { ge: 0, le: 1 }, loss('skew α', 'DistiLLM skew: share of the teacher mixed into the student side (0.1 in the paper)')),
  jsd_beta: number(0.5, 0.05, { ge: 0, le: 1 }, loss('JSD β', "GKD generalised JSD mixture weight: 0 is forward KL, 1 reverse KL (TRL's endpoints)")),
  distill_positions: choice('all', ['all', 'labelled'], { all: 'all non-pad', labelled: 'labelled only' }, loss('distilled positions', "'all' non-pad positions, or only 'labelled' ones (labels != -100)")),
  trim_vocab: choice<'auto' | boolean>('auto', ['auto', true, false], { auto: 'auto', true: 'trim', false: 'full vocabulary' }, student('trim vocabulary', "the student's vocabulary: only the ids the set uses (inputs, labels, teacher top-k, specials); auto: when it saves memory that matters")),

  // ---- optimisation ----
  lr: number(1e-3, 0.0001, { ge: 0 }, optim('learning rate', 'peak AdamW learning rate')),
  weight_decay: number(0.01, 0.01, { ge: 0 }, optim('weight decay', 'decoupled; not applied to biases, LayerNorm or embeddings')),
  beta1: number(0.9, 0.01, { ge: 0 }, optim('Adam β1', 'first-moment decay')),
  beta2: number(0.98, 0.001, { ge: 0 }, optim('Adam β2', 'second-moment decay')),
  adam_eps: number(1e-8, 1e-9, { gt: 0 }, optim('Adam ε', 'denominator floor')),
  warmup_steps: integer(30, { ge: 0 }, optim('warm-up steps', 'linear warm-up from 0 to lr', 'steps')),
  schedule: choice('linear', ['linear', 'cosine', 'constant'], { linear: 'linear decay', cosine: 'cosine decay', constant: 'constant' }, optim('schedule', 'decay after warm-up, to min_lr_ratio · lr at the last step')),
  min_lr_ratio: number(0, 0.05, { ge: 0 }, optim('min lr ratio', 'decay ends at this share of lr')),
  clip_norm: number(1, 0.5, { ge: 0 }, optim('clip norm', 'global gradient-norm clip; 0 disables')),
  batch_size: integer(16, { gt: 0 }, optim('batch', 'examples per step (fixed shape: the last partial batch wraps around)', 'examples')),
  steps: integer(300, { ge: 0 }, optim('steps', 'optimiser steps', 'steps')),
  seed: integer(0, { ge: 0 }, run('seed', 'init, dropout, batching and the held-out split all derive from it')),

  // ---- evaluation and reporting ----
  eval_every: integerOrAuto('auto', { ge: 0 }, run('eval every', 'steps between held-out evaluations (0: only at the end)', 'steps'),
    'every ⌈steps / 20⌉ steps, at most 50: about 20 points however short the run'),
  eval_fraction: number(0.1, 0.05, { ge: 0, lt: 1 }, run('held-out share', 'held-out share when the file has no split metadata')),
  eval_max_examples: integer(256, { gt: 0 }, run('eval examples', 'cap on held-out examples evaluated', 'examples')),
  report_every: integer(10, { gt: 0 }, run('report every', 'steps between asynchronous reads of the loss values (one chart batch; no per-step GPU sync)', 'steps')),

  // ---- runtime ----
  backend: choice(
    'auto',
    ['auto', ...BACKEND_ORDER],
    { auto: 'auto', webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU (slow)' },
    { label: 'backend', help: `'auto' picks ${BACKEND_ORDER.join(' → ')}`, group: 'runtime' },
  ),
  checkpoint_every: integer(50, { ge: 0 }, run('checkpoint every', 'page: steps between resumable checkpoints (weights + AdamW state) kept in this browser (0: by time only)', 'steps')),
  checkpoint_seconds: number(30, 5, { ge: 0 }, run('checkpoint secs', 'page: also checkpoint once this many seconds passed since the last one (0: by steps only)', 's')),
});

export type ConfigSchema = typeof CONFIG_SCHEMA;
export type ConfigKey = keyof ConfigSchema;

/** The value type of a row: number for numbers (or 'auto' where the row takes it), the union of its values for a choice. */
type ValueOf<F> = F extends ChoiceField<infer V> ? V : F extends AutoIntegerField ? number | 'auto' : number;

/** DistillConfig: every knob of a run (see CONFIG_SCHEMA for each one's default, bounds and meaning). */
export type DistillConfig = { -readonly [K in ConfigKey]: ValueOf<ConfigSchema[K]> };

/** The schema's keys in their written order. */
export const CONFIG_KEYS = Object.freeze(Object.keys(CONFIG_SCHEMA)) as readonly ConfigKey[];

export function fieldOf(key: ConfigKey): ConfigField {
  return CONFIG_SCHEMA[key];
}

/** The keys the form shows in `group`, in schema order. */
export function keysOf(group: ConfigGroup): ConfigKey[] {
  return CONFIG_KEYS.filter((key) => CONFIG_SCHEMA[key].group === group);
}

/** The value of choice `key` whose text is `text` (String(value), as a select holds it), or undefined. */
export function choiceOf<K extends ConfigKey>(key: K, text: string): DistillConfig[K] | undefined {
  const field: ConfigField = CONFIG_SCHEMA[key];
  if (field.kind !== 'choice') return undefined;
  // Row K's values are DistillConfig[K] by construction of the type (ValueOf above).
  return field.values.find((v) => String(v) === text) as DistillConfig[K] | undefined;
}

/**
 * A value typed as text (the URL hash) as the row's type: a number for numbers, `true` / `false` for a
 * choice that has booleans, the text otherwise. Text that is not a number stays text, so validation names it.
 */
export function parseConfigText(key: ConfigKey, text: string): unknown {
  return parseFieldText(fieldOf(key), text);
}

export function parseFieldText(field: ConfigField, text: string): unknown {
  if (takesAuto(field) && text === 'auto') return 'auto';
  if (field.kind !== 'choice') {
    const n = Number(text);
    return text.trim() === '' || Number.isNaN(n) ? text : n;
  }
  const match = field.values.find((v) => String(v) === text);
  return match ?? text;
}
