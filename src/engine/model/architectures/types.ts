/**
 * What an architecture is to the engine: its parameters (names, shapes, initialisers, layout on disk), its
 * forward pass and its Hugging Face config. One file per family (distilbert.ts, gpt2.ts, legacy.ts); the
 * registry (index.ts) picks one by the config key `architecture` and the task.
 */
import type * as tf from '@tensorflow/tfjs';
import type { HeadInput } from '../../head/chunks.ts';
import type { Task } from '../../types.ts';

/** The families a student can be. `legacy` only reads run directories written before 0.2 (never trained). */
export type ArchitectureName = 'distilbert' | 'gpt2' | 'legacy';

export interface ParamDef {
  /** The parameter's name in the family's torch state dict (what model.safetensors holds). */
  name: string;
  /** Shape in the engine: every linear weight is [in, out] (y = x @ W + b). */
  shape: number[];
  /** zeros / ones (biases, LayerNorm), normal(0, 0.02), or normal(0, 0.02/√(2·layers)) for residual outputs. */
  init: 'normal' | 'residual' | 'zeros' | 'ones';
  /** AdamW decays it (weight matrices; never biases, LayerNorm parameters or embeddings). */
  decay: boolean;
  /** On disk as torch.nn.Linear stores it, [out, in]: the transpose of the engine's [in, out]. */
  transposeOnDisk: boolean;
}

/** What fixes the student's shapes: the architecture part of the config plus what the data dictates. */
export interface StudentSpec {
  architecture: ArchitectureName;
  task: Task;
  nLayers: number;
  dModel: number;
  nHeads: number;
  dFf: number;
  maxLen: number;
  dropout: number;
  /** legacy classification only: mean over non-pad tokens, or the first token. */
  pooling: 'mean' | 'first';
  /** Input vocabulary V (embedding rows; also the LM head width, tied). */
  vocabSize: number;
  /** Classes C for classification. */
  numClasses?: number;
  /** The padding id: GPT-2's classifier pools at the last token that is not this id (as transformers does). */
  padId: number;
}

export interface ForwardOptions {
  training: boolean;
  /** Seed for this call's dropout masks (a fresh one per step keeps runs reproducible). */
  dropoutSeed?: number;
}

export interface StudentOutput {
  /**
   * The output head, never materialised as [B·L, V] logits during training: token tasks give the head's input
   * features [B·L, D] with the tied word embeddings [V, D] (and the output bias), for the chunked losses
   * (head/); classification gives its [B, C] logits. Student.logits() materialises them for inference.
   */
  head: HeadInput;
  /** [B, L, D]: the last hidden state (transformers' hidden_states[-1]), what the cosine loss aligns. */
  hidden: tf.Tensor3D;
}

/** The forward pass's view of the weights and of the run-time switches. */
export interface ForwardContext {
  spec: StudentSpec;
  /** A parameter by its ParamDef name. */
  p(name: string): tf.Tensor;
  /** Dropout with rate spec.dropout at training time (identity otherwise); `salt` makes each site's mask distinct. */
  dropout(x: tf.Tensor, salt: number): tf.Tensor;
}

/** A family's forward pass: inputIds int32 [B, L], mask float32 [B, L] (1 = token, 0 = pad); inside tf.tidy. */
export type ForwardFn = (ctx: ForwardContext, inputIds: tf.Tensor2D, mask: tf.Tensor2D) => StudentOutput;

/** What an architecture is without its forward pass (tfjs-free: the page's size card and the exports use it). */
export interface Architecture {
  name: ArchitectureName;
  /** One line for docs and errors. */
  description: string;
  /** The transformers classes by task (what config.json `architectures` names). */
  classes: Partial<Record<Task, string>>;
  params(spec: StudentSpec): ParamDef[];
  /** The family's own config.json keys (model_type, sizes, dropout, layer-norm eps, activation). */
  hfConfig(spec: StudentSpec): Record<string, unknown>;
  /**
   * Tied weights: `name` on disk is `source` (the word embeddings, [V, D]). transformers' save_pretrained leaves
   * them out of model.safetensors; we do the same and the loader re-ties them.
   */
  tied(spec: StudentSpec): { name: string; source: string }[];
}
