/**
 * Initialise the student from its teacher's weights (DistilBERT's recipe: the student keeps the teacher's
 * width and takes every other layer). Pure: a plan from the teacher's config.json and tensor names, then the
 * student's tensors (model.safetensors layout: torch names and layout, the same layout the teacher's file has,
 * so nothing is transposed) from the teacher's tensors.
 *
 * Families: BERT, RoBERTa (xlm-roberta, camembert), DistilBERT → a `distilbert` student; GPT-2 → `gpt2`.
 * Layers: student layer j takes teacher layer round(j·(N−1)/(n−1)) — spread over the teacher's depth, the first
 * and the last included (12 → 6: 0, 2, 4, 7, 9, 11, as DistilBERT's extraction script); n = N takes them all;
 * n = 1 takes layer 0.
 * BERT's token-type-0 embedding is added into the position embeddings (the student has no token types; every
 * set example is one segment), and RoBERTa's positions start after its padding index: student position t is
 * teacher position pad_id + 1 + t. With all layers copied a BERT teacher's logits are reproduced exactly.
 */
import type { DistillConfig } from '../config/config.ts';
import type { Task } from '../types.ts';
import type { ArchitectureName } from './architectures/types.ts';

export type TeacherFamily = 'bert' | 'roberta' | 'distilbert' | 'gpt2';

const FAMILIES: Readonly<Record<string, TeacherFamily>> = {
  bert: 'bert',
  roberta: 'roberta',
  'xlm-roberta': 'roberta',
  camembert: 'roberta',
  distilbert: 'distilbert',
  gpt2: 'gpt2',
};

export interface TeacherDims {
  nLayers: number;
  dModel: number;
  nHeads: number;
  dFf: number;
  vocabSize: number;
  /** Usable positions (RoBERTa: after its padding offset). */
  maxPositions: number;
  /** The teacher's position of student position 0 (RoBERTa: pad_token_id + 1; 0 otherwise). */
  positionOffset: number;
  numLabels?: number;
}

export interface InitArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface TeacherInitPlan {
  family: TeacherFamily;
  architecture: Exclude<ArchitectureName, 'legacy'>;
  teacher: TeacherDims;
  /** Teacher layer index per student layer. */
  layers: number[];
  /** Config the student takes from the teacher (width, heads, d_ff, depth, positions, architecture). */
  overrides: Partial<DistillConfig>;
  /** The teacher tensors to read, by their names in the checkpoint. */
  reads: string[];
  /** Student tensors that stay at their random init (head the teacher lacks, other class count, …). */
  notCopied: string[];
  /** The student's tensors (disk layout) from the read teacher tensors. */
  build(read: ReadonlyMap<string, { shape: number[]; data: Float32Array }>): InitArray[];
}

/** A refusal before any training, in one line. */
export class TeacherInitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TeacherInitError';
  }
}

/** Student layer j ← teacher layer round(j·(N−1)/(n−1)). */
export function selectLayers(teacherLayers: number, studentLayers: number): number[] {
  if (studentLayers > teacherLayers) throw new TeacherInitError(`n_layers ${studentLayers} is deeper than the teacher (${teacherLayers} layers): a student can take at most all of them`);
  if (studentLayers === 1) return [0];
  return Array.from({ length: studentLayers }, (_, j) => Math.round((j * (teacherLayers - 1)) / (studentLayers - 1)));
}

const int = (config: Record<string, unknown>, ...keys: string[]): number | undefined => {
  for (const key of keys) {
    const v = config[key];
    if (typeof v === 'number' && Number.isInteger(v)) return v;
  }
  return undefined;
};

function need(config: Record<string, unknown>, family: string, ...keys: string[]): number {
  const v = int(config, ...keys);
  if (v === undefined) throw new TeacherInitError(`the ${family} config.json has no ${keys.join(' / ')}`);
  return v;
}

function dimsOf(family: TeacherFamily, c: Record<string, unknown>): TeacherDims {
  const labels = int(c, 'num_labels') ?? (typeof c.id2label === 'object' && c.id2label ? Object.keys(c.id2label).length : undefined);
  if (family === 'gpt2') {
    const d = need(c, 'gpt2', 'n_embd', 'hidden_size');
    return {
      nLayers: need(c, 'gpt2', 'n_layer', 'num_hidden_layers'),
      dModel: d,
      nHeads: need(c, 'gpt2', 'n_head', 'num_attention_heads'),
      dFf: int(c, 'n_inner') ?? 4 * d,
      vocabSize: need(c, 'gpt2', 'vocab_size'),
      maxPositions: need(c, 'gpt2', 'n_positions', 'max_position_embeddings'),
      positionOffset: 0,
      numLabels: labels,
    };
  }
  if (family === 'distilbert') {
    return {
      nLayers: need(c, family, 'n_layers'),
      dModel: need(c, family, 'dim'),
      nHeads: need(c, family, 'n_heads'),
      dFf: need(c, family, 'hidden_dim'),
      vocabSize: need(c, family, 'vocab_size'),
      maxPositions: need(c, family, 'max_position_embeddings'),
      positionOffset: 0,
      numLabels: labels,
    };
  }
  const positions = need(c, family, 'max_position_embeddings');
  const offset = family === 'roberta' ? (int(c, 'pad_token_id') ?? 1) + 1 : 0;
  return {
    nLayers: need(c, family, 'num_hidden_layers'),
    dModel: need(c, family, 'hidden_size'),
    nHeads: need(c, family, 'num_attention_heads'),
    dFf: need(c, family, 'intermediate_size'),
    vocabSize: need(c, family, 'vocab_size'),
    maxPositions: positions - offset,
    positionOffset: offset,
    numLabels: labels,
  };
}

/** The activation each family's student computes; a teacher with another one cannot map. */
function checkActivation(family: TeacherFamily, c: Record<string, unknown>): void {
  const act = family === 'gpt2' ? c.activation_function ?? 'gelu_new' : family === 'distilbert' ? c.activation ?? 'gelu' : c.hidden_act ?? 'gelu';
  const ok = family === 'gpt2' ? ['gelu_new', 'gelu_pytorch_tanh'] : ['gelu'];
  if (!ok.includes(String(act))) throw new TeacherInitError(`the teacher's activation "${String(act)}" has no counterpart in the ${family === 'gpt2' ? 'gpt2' : 'distilbert'} student (it computes ${ok[0]})`);
  if (family === 'gpt2' && c.scale_attn_by_inverse_layer_idx === true) throw new TeacherInitError('a GPT-2 teacher with scale_attn_by_inverse_layer_idx cannot map onto the gpt2 student');
}

export interface SetShape {
  task: Task;
  vocabSize: number;
  seqLen: number;
  numClasses?: number;
}

/**
 * The plan for `config` (resolved) on `set`, given the teacher's config.json and the names its checkpoint
 * holds. `explicit` names the config keys the person set (a requested width or head count other than the
 * teacher's is refused; a requested depth is honoured).
 */
export function planTeacherInit(
  teacherConfig: Record<string, unknown>,
  names: ReadonlySet<string>,
  set: SetShape,
  config: Readonly<DistillConfig>,
  explicit: ReadonlySet<string>,
): TeacherInitPlan {
  const modelType = String(teacherConfig.model_type ?? '');
  const family = FAMILIES[modelType];
  if (!family) throw new TeacherInitError(`a ${modelType || 'model without model_type'} teacher cannot initialise a student (families that map: BERT, RoBERTa, DistilBERT, GPT-2)`);
  checkActivation(family, teacherConfig);
  const architecture = family === 'gpt2' ? 'gpt2' : 'distilbert';
  if (explicit.has('architecture') && config.architecture !== 'auto' && config.architecture !== architecture) {
    throw new TeacherInitError(`a ${family} teacher initialises a ${architecture} student, not architecture ${config.architecture}`);
  }
  if (architecture === 'distilbert' && set.task === 'clm') throw new TeacherInitError(`a ${family} teacher is bidirectional: it cannot initialise a clm student (use a GPT-2 teacher)`);
  if (architecture === 'gpt2' && set.task === 'mlm') throw new TeacherInitError('a GPT-2 teacher is causal: it cannot initialise an mlm student (use a BERT-family teacher)');
  const t = dimsOf(family, teacherConfig);
  if (t.vocabSize !== set.vocabSize) throw new TeacherInitError(`the teacher's vocabulary (${t.vocabSize} tokens) differs from the set's (${set.vocabSize}): export the set with this teacher's tokenizer`);
  for (const [key, value, name] of [['d_model', t.dModel, 'width'], ['n_heads', t.nHeads, 'head count'], ['d_ff', t.dFf, 'd_ff']] as const) {
    if (explicit.has(key) && config[key] !== value) throw new TeacherInitError(`${key} ${config[key]} differs from the teacher's ${name} ${value}: a student initialised from the teacher keeps it (leave ${key} unset)`);
  }
  const nLayers = explicit.has('n_layers') ? config.n_layers : Math.ceil(t.nLayers / 2);
  const layers = selectLayers(t.nLayers, nLayers);
  const maxLen = explicit.has('max_len') ? config.max_len : Math.min(Math.max(config.max_len, set.seqLen), t.maxPositions);
  if (maxLen > t.maxPositions) throw new TeacherInitError(`max_len ${maxLen} exceeds the teacher's ${t.maxPositions} positions`);
  const overrides: Partial<DistillConfig> = { architecture, d_model: t.dModel, n_heads: t.nHeads, d_ff: t.dFf, n_layers: nLayers, max_len: maxLen };
  const resolve = nameResolver(family, names);
  const specs = family === 'gpt2' ? gpt2Copies(layers, set, t) : bertCopies(family, layers, set, t, resolve);
  const copies: Copy[] = [];
  const notCopied: string[] = [];
  for (const c of specs) {
    const sources = c.from.map(resolve);
    if (sources.every((s) => s !== undefined)) copies.push({ ...c, from: sources as string[] });
    else if (c.optional) notCopied.push(c.to);
    else throw new TeacherInitError(`the teacher checkpoint lacks ${c.from.find((_, i) => sources[i] === undefined)} (needed for ${c.to})`);
  }
  return {
    family,
    architecture,
    teacher: t,
    layers,
    overrides,
    reads: [...new Set(copies.flatMap((c) => c.from))],
    notCopied,
    build: (read) =>
      copies.map((c) => {
        const src = c.from.map((n) => {
          const a = read.get(n);
          if (!a) throw new TeacherInitError(`teacher tensor "${n}" was not read`);
          return a;
        });
        return { name: c.to, ...(c.combine ?? copyAll)(src, maxLen) };
      }),
  };
}

type Combine = (src: { shape: number[]; data: Float32Array }[], maxLen: number) => { shape: number[]; data: Float32Array };

interface Copy {
  /** Student tensor (disk name). */
  to: string;
  /** Teacher tensors (logical names, resolved against the checkpoint's prefixes). */
  from: string[];
  combine?: Combine;
  /** Left at its random init when the teacher lacks it (heads), instead of refusing. */
  optional?: boolean;
}

const copyAll: Combine = ([a]) => ({ shape: [...a.shape], data: Float32Array.from(a.data) });

/** Rows [offset, offset + maxLen) of a [P, D] table, plus row 0 of an optional [T, D] token-type table. */
const positionRows = (offset: number): Combine => ([positions, tokenTypes], maxLen) => {
  const d = positions.shape[1];
  const data = Float32Array.from(positions.data.subarray(offset * d, (offset + maxLen) * d));
  if (tokenTypes) for (let i = 0; i < data.length; i++) data[i] += tokenTypes.data[i % d];
  return { shape: [maxLen, d], data };
};

/** Finds a logical name under the prefixes the family's classes save with (BertForMaskedLM: "bert.", BertModel: none). */
function nameResolver(family: TeacherFamily, names: ReadonlySet<string>): (logical: string) => string | undefined {
  const base = family === 'gpt2' ? 'transformer.' : `${family}.`;
  return (logical) => {
    const [prefix, rest] = logical.startsWith('@') ? ['', logical.slice(1)] : [base, logical];
    const candidates = prefix ? [prefix + rest, rest] : [rest];
    for (const c of candidates) {
      if (names.has(c)) return c;
      const legacy = c.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'); // TF-era checkpoints
      if (names.has(legacy)) return legacy;
    }
    return undefined;
  };
}

const wb = (to: string, from: string, optional = false): Copy[] => [
  { to: `${to}.weight`, from: [`${from}.weight`], optional },
  { to: `${to}.bias`, from: [`${from}.bias`], optional },
];

/** BERT / RoBERTa / DistilBERT teacher → DistilBERT student. Names starting with "@" are top-level (no base prefix). */
function bertCopies(family: TeacherFamily, layers: number[], set: SetShape, t: TeacherDims, resolve: (n: string) => string | undefined): Copy[] {
  const s = 'distilbert';
  const copies: Copy[] = [];
  if (family === 'distilbert') {
    copies.push(
      { to: `${s}.embeddings.word_embeddings.weight`, from: ['embeddings.word_embeddings.weight'] },
      { to: `${s}.embeddings.position_embeddings.weight`, from: ['embeddings.position_embeddings.weight'], combine: positionRows(0) },
      ...wb(`${s}.embeddings.LayerNorm`, 'embeddings.LayerNorm'),
    );
    layers.forEach((i, j) => {
      const [to, from] = [`${s}.transformer.layer.${j}`, `transformer.layer.${i}`];
      for (const part of ['attention.q_lin', 'attention.k_lin', 'attention.v_lin', 'attention.out_lin', 'sa_layer_norm', 'ffn.lin1', 'ffn.lin2', 'output_layer_norm']) copies.push(...wb(`${to}.${part}`, `${from}.${part}`));
    });
    if (set.task === 'mlm') copies.push(...wb('vocab_transform', '@vocab_transform', true), ...wb('vocab_layer_norm', '@vocab_layer_norm', true), { to: 'vocab_projector.bias', from: ['@vocab_projector.bias'], optional: true });
    if (set.task === 'classification' && t.numLabels === set.numClasses) copies.push(...wb('pre_classifier', '@pre_classifier', true), ...wb('classifier', '@classifier', true));
    return copies;
  }
  const tokenTypes = resolve('embeddings.token_type_embeddings.weight') ? ['embeddings.token_type_embeddings.weight'] : [];
  copies.push(
    { to: `${s}.embeddings.word_embeddings.weight`, from: ['embeddings.word_embeddings.weight'] },
    { to: `${s}.embeddings.position_embeddings.weight`, from: ['embeddings.position_embeddings.weight', ...tokenTypes], combine: positionRows(t.positionOffset) },
    ...wb(`${s}.embeddings.LayerNorm`, 'embeddings.LayerNorm'),
  );
  layers.forEach((i, j) => {
    const [to, from] = [`${s}.transformer.layer.${j}`, `encoder.layer.${i}`];
    copies.push(
      ...wb(`${to}.attention.q_lin`, `${from}.attention.self.query`),
      ...wb(`${to}.attention.k_lin`, `${from}.attention.self.key`),
      ...wb(`${to}.attention.v_lin`, `${from}.attention.self.value`),
      ...wb(`${to}.attention.out_lin`, `${from}.attention.output.dense`),
      ...wb(`${to}.sa_layer_norm`, `${from}.attention.output.LayerNorm`),
      ...wb(`${to}.ffn.lin1`, `${from}.intermediate.dense`),
      ...wb(`${to}.ffn.lin2`, `${from}.output.dense`),
      ...wb(`${to}.output_layer_norm`, `${from}.output.LayerNorm`),
    );
  });
  if (set.task === 'mlm') {
    const head = family === 'roberta' ? ['@lm_head.dense', '@lm_head.layer_norm', '@lm_head.bias'] : ['@cls.predictions.transform.dense', '@cls.predictions.transform.LayerNorm', '@cls.predictions.bias'];
    const bias = resolve(head[2]) ? head[2] : family === 'roberta' ? '@lm_head.decoder.bias' : '@cls.predictions.decoder.bias';
    copies.push(...wb('vocab_transform', head[0], true), ...wb('vocab_layer_norm', head[1], true), { to: 'vocab_projector.bias', from: [bias], optional: true });
  }
  if (set.task === 'classification' && t.numLabels === set.numClasses) {
    if (family === 'roberta') copies.push(...wb('pre_classifier', '@classifier.dense', true), ...wb('classifier', '@classifier.out_proj', true));
    else copies.push(...wb('pre_classifier', 'pooler.dense', true), ...wb('classifier', '@classifier', true));
  }
  return copies;
}

/** GPT-2 teacher → GPT-2 student: the same names; the LM head is tied to wte in both. */
function gpt2Copies(layers: number[], set: SetShape, t: TeacherDims): Copy[] {
  const copies: Copy[] = [
    { to: 'transformer.wte.weight', from: ['wte.weight'] },
    { to: 'transformer.wpe.weight', from: ['wpe.weight'], combine: positionRows(0) },
    ...wb('transformer.ln_f', 'ln_f'),
  ];
  layers.forEach((i, j) => {
    for (const part of ['ln_1', 'attn.c_attn', 'attn.c_proj', 'ln_2', 'mlp.c_fc', 'mlp.c_proj']) copies.push(...wb(`transformer.h.${j}.${part}`, `h.${i}.${part}`));
  });
  if (set.task === 'classification' && t.numLabels === set.numClasses) copies.push({ to: 'score.weight', from: ['@score.weight'], optional: true });
  return copies;
}
