import type { DistillConfig } from '../config/config.ts';
import type { Task } from '../types.ts';

/** What fixes the student's shapes: the architecture part of the config plus what the data dictates. */
export interface StudentSpec {
  task: Task;
  nLayers: number;
  dModel: number;
  nHeads: number;
  dFf: number;
  maxLen: number;
  dropout: number;
  pooling: 'mean' | 'first';
  /** Input vocabulary V (embedding rows; also the LM head width, tied). */
  vocabSize: number;
  /** Classes C for classification. */
  numClasses?: number;
}

export function studentSpec(config: Readonly<DistillConfig>, task: Task, vocabSize: number, numClasses?: number): StudentSpec {
  return {
    task,
    nLayers: config.n_layers,
    dModel: config.d_model,
    nHeads: config.n_heads,
    dFf: config.d_ff,
    maxLen: config.max_len,
    dropout: config.dropout,
    pooling: config.pooling,
    vocabSize,
    numClasses,
  };
}

/** Shapes of every parameter by HF-style name, in a fixed order (the export order). Weights are [in, out]. */
export function parameterShapes(spec: StudentSpec): [string, number[]][] {
  const { dModel: d, dFf: f, vocabSize: v } = spec;
  const shapes: [string, number[]][] = [
    ['embeddings.word_embeddings.weight', [v, d]],
    ['embeddings.position_embeddings.weight', [spec.maxLen, d]],
  ];
  for (let i = 0; i < spec.nLayers; i++) {
    const p = `encoder.layer.${i}`;
    shapes.push(
      [`${p}.ln_1.weight`, [d]],
      [`${p}.ln_1.bias`, [d]],
      [`${p}.attention.qkv.weight`, [d, 3 * d]],
      [`${p}.attention.qkv.bias`, [3 * d]],
      [`${p}.attention.output.weight`, [d, d]],
      [`${p}.attention.output.bias`, [d]],
      [`${p}.ln_2.weight`, [d]],
      [`${p}.ln_2.bias`, [d]],
      [`${p}.mlp.fc_in.weight`, [d, f]],
      [`${p}.mlp.fc_in.bias`, [f]],
      [`${p}.mlp.fc_out.weight`, [f, d]],
      [`${p}.mlp.fc_out.bias`, [d]],
    );
  }
  shapes.push(['final_ln.weight', [d]], ['final_ln.bias', [d]]);
  if (spec.task === 'classification') {
    const c = spec.numClasses ?? 0;
    shapes.push(['classifier.weight', [d, c]], ['classifier.bias', [c]]);
  } else {
    // LM head: tied to embeddings.word_embeddings.weight; only its bias is its own.
    shapes.push(['lm_head.bias', [v]]);
  }
  return shapes;
}

/** Number of trainable parameters of the student (tied head counted once). */
export function studentParamCount(spec: StudentSpec): number {
  return parameterShapes(spec).reduce((sum, [, shape]) => sum + shape.reduce((a, b) => a * b, 1), 0);
}

/** Size of the float32 weights in bytes. */
export function studentBytes(spec: StudentSpec): number {
  return studentParamCount(spec) * 4;
}

/** Config.json content in Hugging Face style keys (documented in docs/student.md). */
export function hfConfig(spec: StudentSpec): Record<string, unknown> {
  return {
    model_type: 'distill-playground-student',
    architectures: [spec.task === 'classification' ? 'StudentForSequenceClassification' : spec.task === 'clm' ? 'StudentForCausalLM' : 'StudentForMaskedLM'],
    task: spec.task,
    hidden_size: spec.dModel,
    num_hidden_layers: spec.nLayers,
    num_attention_heads: spec.nHeads,
    intermediate_size: spec.dFf,
    vocab_size: spec.vocabSize,
    max_position_embeddings: spec.maxLen,
    hidden_act: 'gelu_new',
    hidden_dropout_prob: spec.dropout,
    layer_norm_eps: LAYER_NORM_EPS,
    pre_layer_norm: true,
    tie_word_embeddings: spec.task !== 'classification',
    is_decoder: spec.task === 'clm',
    num_labels: spec.numClasses ?? null,
    pooling: spec.task === 'classification' ? spec.pooling : null,
    weight_layout: 'x @ W: linear weights are [in, out], the transpose of torch.nn.Linear.weight',
    torch_dtype: 'float32',
  };
}

export const LAYER_NORM_EPS = 1e-5;
