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
import { bertCopies, copyAll, gpt2Copies, nameResolver, type Copy } from './teacher_copies.ts';

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

