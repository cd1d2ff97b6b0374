import * as tf from '@tensorflow/tfjs';
import { embeddingLookup } from '../../ops/embedding.ts';
import { attend, attentionBias, dense, geluTanh, layerNorm } from '../layers.ts';
import { EPS, WORDS } from './legacy.ts';
import type { ForwardContext, StudentOutput } from './types.ts';

/** The legacy forward pass (legacy.ts has the maths and the parameters). Called inside tf.tidy. */
export function legacyForward(ctx: ForwardContext, inputIds: tf.Tensor2D, mask: tf.Tensor2D): StudentOutput {
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
  // logits = h · Eᵀ + b, [B·L, V]: left to the chunked head (head/)
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

