import * as tf from '@tensorflow/tfjs';
import { embeddingLookup } from '../../ops/embedding.ts';
import { matMul2d } from '../../ops/matmul.ts';
import { attend, attentionBias, dense, geluTanh, layerNorm } from '../layers.ts';
import { EPS, WORDS } from './gpt2.ts';
import type { ForwardContext, StudentOutput } from './types.ts';

/** The gpt2 forward pass (gpt2.ts has the maths and the parameters). Called inside tf.tidy. */
export function gpt2Forward(ctx: ForwardContext, inputIds: tf.Tensor2D, mask: tf.Tensor2D): StudentOutput {
  const { spec, p, dropout } = ctx;
  const [b, l] = inputIds.shape;
  const d = spec.dModel;
  const w = (name: string) => p(`${name}.weight`) as tf.Tensor2D;
  const bias1 = (name: string) => p(`${name}.bias`) as tf.Tensor1D;
  const ln = (x: tf.Tensor, name: string) => layerNorm(x, p(`${name}.weight`) as tf.Tensor1D, bias1(name), EPS);

  const tokens = embeddingLookup(p(WORDS) as tf.Tensor2D, inputIds.flatten() as tf.Tensor1D).reshape([b, l, d]);
  const positions = p('transformer.wpe.weight').slice([0, 0], [l, d]);
  let x = dropout(tokens.add(positions), 1) as tf.Tensor3D; // [B, L, D]
  const attentionMask = attentionBias(mask, true);
  for (let i = 0; i < spec.nLayers; i++) {
    const pre = `transformer.h.${i}`;
    const qkv = dense(ln(x, `${pre}.ln_1`), w(`${pre}.attn.c_attn`), bias1(`${pre}.attn.c_attn`)) as tf.Tensor3D;
    const context = attend(qkv, attentionMask, spec.nHeads);
    x = x.add(dropout(dense(context, w(`${pre}.attn.c_proj`), bias1(`${pre}.attn.c_proj`)), 10 + 2 * i));
    const hiddenFf = geluTanh(dense(ln(x, `${pre}.ln_2`), w(`${pre}.mlp.c_fc`), bias1(`${pre}.mlp.c_fc`)));
    x = x.add(dropout(dense(hiddenFf, w(`${pre}.mlp.c_proj`), bias1(`${pre}.mlp.c_proj`)), 11 + 2 * i));
  }
  const hidden = ln(x, 'transformer.ln_f') as tf.Tensor3D;
  if (spec.task === 'classification') {
    // transformers: last_non_pad = argmax_t(t · [id_t ≠ pad]) — the rightmost non-pad token, 0 when all are pad.
    const notPad = tf.notEqual(inputIds, spec.padId).cast('float32'); // [B, L]
    const last = tf.max(notPad.mul(tf.range(0, l, 1, 'float32')), 1); // [B]
    const pick = tf.oneHot(last.cast('int32'), l).cast('float32').expandDims(2); // [B, L, 1]
    const pooled = hidden.mul(pick).sum(1) as tf.Tensor2D; // [B, D]
    return { head: { kind: 'logits' as const, logits: matMul2d(pooled, w('score')) }, hidden };
  }
  const flat = hidden.reshape([b * l, d]) as tf.Tensor2D;
  // logits = h · wteᵀ (no bias), [B·L, V]: left to the chunked head (head/)
  return { head: { kind: 'linear' as const, features: flat, weight: p(WORDS) as tf.Tensor2D }, hidden };
}

