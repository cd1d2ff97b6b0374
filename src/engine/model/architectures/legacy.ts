/**
 * The student of Distill Playground 0.1 (run directories whose config.json says
 * `model_type: "distill-playground-student"`): kept so that those directories and their report.json files
 * still load into `distill eval` / `distill predict` and the page. No transformers class computes it, so new
 * runs never train it (the config key `architecture` cannot name it).
 *
 *   x = E[ids] + P[0:L], dropout;  per block: x += Drop(Attn(LN₁ x)); x += Drop(W₂ GELU_tanh(W₁ LN₂ x))
 *   h = LN_f(x);  token tasks: logits = h Eᵀ + b;  classification: pool(h) W_c + b_c (mean or first)
 *
 * Weights were stored [in, out] (y = x @ W + b) under these names.
 */
import * as tf from '@tensorflow/tfjs';
import { embeddingLookup } from '../../ops/embedding.ts';
import { attend, attentionBias, dense, geluTanh, layerNorm } from '../layers.ts';
import type { Architecture, ForwardContext, ParamDef, StudentSpec } from './types.ts';

const EPS = 1e-5;
const WORDS = 'embeddings.word_embeddings.weight';

function params(spec: StudentSpec): ParamDef[] {
  const { dModel: d, dFf: f, vocabSize: v } = spec;
  const def = (name: string, shape: number[], init: ParamDef['init'], decay = false): ParamDef => ({ name, shape, init, decay, transposeOnDisk: false });
  const defs: ParamDef[] = [def(WORDS, [v, d], 'normal'), def('embeddings.position_embeddings.weight', [spec.maxLen, d], 'normal')];
  for (let i = 0; i < spec.nLayers; i++) {
    const p = `encoder.layer.${i}`;
    defs.push(
      def(`${p}.ln_1.weight`, [d], 'ones'),
      def(`${p}.ln_1.bias`, [d], 'zeros'),
      def(`${p}.attention.qkv.weight`, [d, 3 * d], 'normal', true),
      def(`${p}.attention.qkv.bias`, [3 * d], 'zeros'),
      def(`${p}.attention.output.weight`, [d, d], 'residual', true),
      def(`${p}.attention.output.bias`, [d], 'zeros'),
      def(`${p}.ln_2.weight`, [d], 'ones'),
      def(`${p}.ln_2.bias`, [d], 'zeros'),
      def(`${p}.mlp.fc_in.weight`, [d, f], 'normal', true),
      def(`${p}.mlp.fc_in.bias`, [f], 'zeros'),
      def(`${p}.mlp.fc_out.weight`, [f, d], 'residual', true),
      def(`${p}.mlp.fc_out.bias`, [d], 'zeros'),
    );
  }
  defs.push(def('final_ln.weight', [d], 'ones'), def('final_ln.bias', [d], 'zeros'));
  if (spec.task === 'classification') {
    const c = spec.numClasses ?? 0;
    defs.push(def('classifier.weight', [d, c], 'normal', true), def('classifier.bias', [c], 'zeros'));
  } else {
    defs.push(def('lm_head.bias', [v], 'zeros'));
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

  const tokens = embeddingLookup(p(WORDS) as tf.Tensor2D, inputIds.flatten() as tf.Tensor1D).reshape([b, l, d]);
  const positions = p('embeddings.position_embeddings.weight').slice([0, 0], [l, d]);
  let x = dropout(tokens.add(positions), 1) as tf.Tensor3D;
  const attentionMask = attentionBias(mask, spec.task === 'clm');
  for (let i = 0; i < spec.nLayers; i++) {
    const pre = `encoder.layer.${i}`;
    const qkv = dense(ln(x, `${pre}.ln_1`), w(`${pre}.attention.qkv`), bias1(`${pre}.attention.qkv`)) as tf.Tensor3D;
    const a = dense(attend(qkv, attentionMask, spec.nHeads), w(`${pre}.attention.output`), bias1(`${pre}.attention.output`));
    x = x.add(dropout(a, 10 + 2 * i));
    const m = dense(geluTanh(dense(ln(x, `${pre}.ln_2`), w(`${pre}.mlp.fc_in`), bias1(`${pre}.mlp.fc_in`))), w(`${pre}.mlp.fc_out`), bias1(`${pre}.mlp.fc_out`));
    x = x.add(dropout(m, 11 + 2 * i));
  }
  const hidden = ln(x, 'final_ln') as tf.Tensor3D;
  if (spec.task === 'classification') {
    return { head: { kind: 'logits' as const, logits: dense(pool(hidden, mask, spec.pooling), w('classifier'), bias1('classifier')) as tf.Tensor2D }, hidden };
  }
  // logits = h · Eᵀ + b, [B·L, V]: left to the chunked head
  return { head: { kind: 'linear' as const, features: hidden.reshape([b * l, d]) as tf.Tensor2D, weight: p(WORDS) as tf.Tensor2D, bias: bias1('lm_head') }, hidden };
}

/** [B, L, D] → [B, D]: mean over non-pad positions, or the first position. */
function pool(hidden: tf.Tensor3D, mask: tf.Tensor2D, pooling: 'mean' | 'first'): tf.Tensor2D {
  const [b, , d] = hidden.shape;
  if (pooling === 'first') return hidden.slice([0, 0, 0], [b, 1, d]).reshape([b, d]);
  const m = mask.expandDims(2); // [B, L, 1]
  const count = m.sum(1).maximum(1); // [B, 1]
  return hidden.mul(m).sum(1).div(count) as tf.Tensor2D;
}

function hfConfig(spec: StudentSpec): Record<string, unknown> {
  return {
    model_type: 'distill-playground-student',
    task: spec.task,
    hidden_size: spec.dModel,
    num_hidden_layers: spec.nLayers,
    num_attention_heads: spec.nHeads,
    intermediate_size: spec.dFf,
    vocab_size: spec.vocabSize,
    max_position_embeddings: spec.maxLen,
    hidden_act: 'gelu_new',
    hidden_dropout_prob: spec.dropout,
    layer_norm_eps: EPS,
    pre_layer_norm: true,
    tie_word_embeddings: spec.task !== 'classification',
    is_decoder: spec.task === 'clm',
    num_labels: spec.numClasses ?? null,
    pooling: spec.task === 'classification' ? spec.pooling : null,
    weight_layout: 'x @ W: linear weights are [in, out], the transpose of torch.nn.Linear.weight',
  };
}

export const LEGACY: Architecture = {
  name: 'legacy',
  description: 'the Distill Playground 0.1 student (read-only: old run directories)',
  classes: { mlm: 'StudentForMaskedLM', clm: 'StudentForCausalLM', classification: 'StudentForSequenceClassification' },
  params,
  forward,
  hfConfig,
  tied: () => [],
};
