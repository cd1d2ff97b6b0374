import * as tf from '@tensorflow/tfjs';
import { embeddingLookup } from '../../ops/embedding.ts';
import { attend, attentionBias, dense, geluErf, layerNorm } from '../layers.ts';
import { EPS, WORDS } from './distilbert.ts';
import type { ForwardContext, StudentOutput } from './types.ts';

/** The distilbert forward pass (distilbert.ts has the maths and the parameters). Called inside tf.tidy. */
export function distilbertForward(ctx: ForwardContext, inputIds: tf.Tensor2D, mask: tf.Tensor2D): StudentOutput {
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
  const flat = transformed.reshape([b * l, d]) as tf.Tensor2D;
  // logits = features · Eᵀ + b_v, [B·L, V]: left to the chunked head (head/)
  return { head: { kind: 'linear' as const, features: flat, weight: p(WORDS) as tf.Tensor2D, bias: bias1('vocab_projector') }, hidden };
}

