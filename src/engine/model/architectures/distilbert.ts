/**
 * DistilBERT, exactly as transformers' DistilBertForMaskedLM / DistilBertForSequenceClassification compute it
 * (modeling_distilbert.py), so that model.safetensors + config.json load with `from_pretrained`:
 *
 *   x = LN_emb(E[ids] + P[0:L]), dropout                        # post-LN blocks from here on
 *   for each block:  x = LN_sa(x + W_o·Attn(W_q x, W_k x, W_v x))          # pad keys masked, bidirectional
 *                    x = LN_out(x + Dropout(W_2 GELU(W_1 x)))              # GELU exact (erf)
 *   mlm:            logits = LN_v(GELU(W_t x)) Eᵀ + b_v                     # vocab_projector tied to E
 *   classification: logits = W_c Dropout(ReLU(W_p x[:, 0])) + b_c          # the [CLS] position
 *
 * Every LayerNorm has ε = 1e-12 (hard-coded in transformers). transformers applies dropout to the attention
 * probabilities (attention_dropout); the engine does not, so config.json says attention_dropout 0.0 and a run
 * continued in PyTorch trains the same model.
 */
import * as tf from '@tensorflow/tfjs';
import { embeddingLookup } from '../../ops/embedding.ts';
import { attend, attentionBias, dense, geluErf, layerNorm } from '../layers.ts';
import type { Architecture, ForwardContext, ParamDef, StudentSpec } from './types.ts';

const EPS = 1e-12;
const WORDS = 'distilbert.embeddings.word_embeddings.weight';

const param = (name: string, shape: number[], init: ParamDef['init'], linearWeight = false): ParamDef => ({
  name,
  shape,
  init,
  decay: linearWeight,
  transposeOnDisk: linearWeight,
});

/** A torch nn.Linear(in, out): weight [in, out] in the engine ([out, in] on disk) and bias [out]. */
const linearParams = (prefix: string, inDim: number, outDim: number): ParamDef[] => [
  param(`${prefix}.weight`, [inDim, outDim], 'normal', true),
  param(`${prefix}.bias`, [outDim], 'zeros'),
];

const layerNormParams = (prefix: string, d: number): ParamDef[] => [
  param(`${prefix}.weight`, [d], 'ones'),
  param(`${prefix}.bias`, [d], 'zeros'),
];

function params(spec: StudentSpec): ParamDef[] {
  const { dModel: d, dFf: f, vocabSize: v } = spec;
  const defs: ParamDef[] = [
    param(WORDS, [v, d], 'normal'),
    param('distilbert.embeddings.position_embeddings.weight', [spec.maxLen, d], 'normal'),
    ...layerNormParams('distilbert.embeddings.LayerNorm', d),
  ];
  for (let i = 0; i < spec.nLayers; i++) {
    const pre = `distilbert.transformer.layer.${i}`;
    defs.push(
      ...linearParams(`${pre}.attention.q_lin`, d, d),
      ...linearParams(`${pre}.attention.k_lin`, d, d),
      ...linearParams(`${pre}.attention.v_lin`, d, d),
      ...linearParams(`${pre}.attention.out_lin`, d, d),
      ...layerNormParams(`${pre}.sa_layer_norm`, d),
      ...linearParams(`${pre}.ffn.lin1`, d, f),
      ...linearParams(`${pre}.ffn.lin2`, f, d),
      ...layerNormParams(`${pre}.output_layer_norm`, d),
    );
  }
  if (spec.task === 'classification') {
    defs.push(...linearParams('pre_classifier', d, d), ...linearParams('classifier', d, spec.numClasses ?? 0));
  } else {
    defs.push(...linearParams('vocab_transform', d, d), ...layerNormParams('vocab_layer_norm', d), param('vocab_projector.bias', [v], 'zeros'));
  }
  return defs;
}

function forward(ctx: ForwardContext, inputIds: tf.Tensor2D, mask: tf.Tensor2D) {
  const { spec, p, dropout } = ctx;
  const [b, l] = inputIds.shape;
  const d = spec.dModel;
  const w = (name: string) => p(`${name}.weight`) as tf.Tensor2D;
  const bias1 = (name: string) => p(`${name}.bias`) as tf.Tensor1D;
  const ln = (x: tf.Tensor, name: string) => layerNorm(x, p(`${name}.weight`) as tf.Tensor1D, bias1(name), EPS);

  const tokens = embeddingLookup(p(WORDS) as tf.Tensor2D, inputIds.flatten() as tf.Tensor1D, spec.padId).reshape([b, l, d]);
  const positions = p('distilbert.embeddings.position_embeddings.weight').slice([0, 0], [l, d]);
  let x = dropout(ln(tokens.add(positions), 'distilbert.embeddings.LayerNorm'), 1) as tf.Tensor3D; // [B, L, D]
  const attentionMask = attentionBias(mask, false);
  for (let i = 0; i < spec.nLayers; i++) {
    const pre = `distilbert.transformer.layer.${i}`;
    const at = `${pre}.attention`;
    // q, k, v in one [D, 3D] product (the concatenation of three [D, D] weights costs 3·D² copies, not a matmul)
    const wQkv = tf.concat([w(`${at}.q_lin`), w(`${at}.k_lin`), w(`${at}.v_lin`)], 1) as tf.Tensor2D;
    const bQkv = tf.concat([bias1(`${at}.q_lin`), bias1(`${at}.k_lin`), bias1(`${at}.v_lin`)]) as tf.Tensor1D;
    const context = attend(dense(x, wQkv, bQkv) as tf.Tensor3D, attentionMask, spec.nHeads);
    const attended = dense(context, w(`${at}.out_lin`), bias1(`${at}.out_lin`));
    x = ln(attended.add(x), `${pre}.sa_layer_norm`) as tf.Tensor3D;
    const hiddenFf = geluErf(dense(x, w(`${pre}.ffn.lin1`), bias1(`${pre}.ffn.lin1`)));
    const ff = dropout(dense(hiddenFf, w(`${pre}.ffn.lin2`), bias1(`${pre}.ffn.lin2`)), 11 + 2 * i);
    x = ln(ff.add(x), `${pre}.output_layer_norm`) as tf.Tensor3D;
  }
  const hidden = x;
  if (spec.task === 'classification') {
    const cls = hidden.slice([0, 0, 0], [b, 1, d]).reshape([b, d]); // [B, D]: the first ([CLS]) position
    const pooled = dropout(tf.relu(dense(cls, w('pre_classifier'), bias1('pre_classifier'))), 3);
    return { head: { kind: 'logits' as const, logits: dense(pooled, w('classifier'), bias1('classifier')) as tf.Tensor2D }, hidden };
  }
  const transformed = ln(geluErf(dense(hidden, w('vocab_transform'), bias1('vocab_transform'))), 'vocab_layer_norm');
  // logits = features · Eᵀ + b_v, [B·L, V]: left to the chunked head
  const features = transformed.reshape([b * l, d]) as tf.Tensor2D;
  return { head: { kind: 'linear' as const, features, weight: p(WORDS) as tf.Tensor2D, bias: bias1('vocab_projector') }, hidden };
}

function hfConfig(spec: StudentSpec): Record<string, unknown> {
  return {
    model_type: 'distilbert',
    vocab_size: spec.vocabSize,
    max_position_embeddings: spec.maxLen,
    sinusoidal_pos_embds: false,
    n_layers: spec.nLayers,
    n_heads: spec.nHeads,
    dim: spec.dModel,
    hidden_dim: spec.dFf,
    dropout: spec.dropout,
    attention_dropout: 0,
    activation: 'gelu',
    initializer_range: 0.02,
    qa_dropout: spec.dropout,
    seq_classif_dropout: spec.dropout,
    pad_token_id: spec.padId,
    tie_word_embeddings: true,
  };
}

export const DISTILBERT: Architecture = {
  name: 'distilbert',
  description: 'DistilBERT (post-LN, erf GELU, tied MLM head with transform + LayerNorm)',
  classes: { mlm: 'DistilBertForMaskedLM', classification: 'DistilBertForSequenceClassification' },
  params,
  forward,
  hfConfig,
  tied: (spec) => (spec.task === 'classification' ? [] : [{ name: 'vocab_projector.weight', source: WORDS }]),
};
