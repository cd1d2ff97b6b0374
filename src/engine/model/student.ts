import * as tf from '@tensorflow/tfjs';
import { batchMatMul } from '../ops/batch_matmul.ts';
import { embeddingLookup } from '../ops/embedding.ts';
import { linearTransposedWeight } from '../ops/linear.ts';
import { truncatedNormalArray } from '../rng.ts';
import { attentionBias, dense, gelu, layerNorm } from './layers.ts';
import { parameterShapes, studentParamCount, type StudentSpec } from './spec.ts';

/** Std of the normal initialiser (BERT/GPT-2 use 0.02). */
const INIT_STD = 0.02;

export interface ForwardOptions {
  training: boolean;
  /** Seed for this call's dropout masks (a fresh one per step keeps runs reproducible). */
  dropoutSeed?: number;
}

export interface StudentOutput {
  /** [B, L, V] for token tasks, [B, C] for classification. */
  logits: tf.Tensor;
  /** [B, L, D]: the final LayerNorm's output (what the cosine loss aligns with the teacher's last hidden). */
  hidden: tf.Tensor3D;
}

export interface Student {
  readonly spec: StudentSpec;
  /** Every trainable variable by HF-style name (parameterShapes order). */
  readonly params: ReadonlyMap<string, tf.Variable>;
  readonly paramCount: number;
  /** inputIds int32 [B, L], mask float32 [B, L] (1 = token, 0 = pad). Call inside tf.tidy. */
  forward(inputIds: tf.Tensor2D, mask: tf.Tensor2D, options: ForwardOptions): StudentOutput;
  dispose(): void;
}

/** True for parameters that AdamW decays: weight matrices, not biases, LayerNorm gains or embeddings. */
export function isDecayed(name: string): boolean {
  return name.endsWith('.weight') && !name.includes('ln_') && !name.startsWith('final_ln') && !name.startsWith('embeddings.');
}

function initialValue(name: string, shape: number[], spec: StudentSpec, seed: number): tf.Tensor {
  if (name.endsWith('.bias')) return tf.zeros(shape);
  if (name.includes('ln_') || name.startsWith('final_ln')) return tf.ones(shape);
  // GPT-2: residual projections scaled by 1/√(2·layers) so the residual stream's variance stays O(1).
  const residual = name.endsWith('attention.output.weight') || name.endsWith('mlp.fc_out.weight');
  const std = residual ? INIT_STD / Math.sqrt(2 * spec.nLayers) : INIT_STD;
  return tf.tensor(truncatedNormalArray(shape.reduce((a, b) => a * b, 1), 0, std, seed), shape, 'float32');
}

let nextStudentId = 0;

/** Builds a student with weights drawn from `seed` (each parameter gets seed + its index). */
export function createStudent(spec: StudentSpec, seed: number): Student {
  if (spec.task === 'classification' && !(spec.numClasses && spec.numClasses > 0)) {
    throw new Error('a classification student needs numClasses > 0');
  }
  const params = new Map<string, tf.Variable>();
  nextStudentId++; // tfjs variable names are global: one prefix per student
  parameterShapes(spec).forEach(([name, shape], i) => {
    const init = tf.tidy(() => initialValue(name, shape, spec, seed * 7919 + i));
    params.set(name, tf.variable(init, true, `student${nextStudentId}/${name}`));
    init.dispose();
  });
  return buildStudent(spec, params);
}

/** Wraps existing variables (loaded weights) as a student. Takes ownership of them. */
export function buildStudent(spec: StudentSpec, params: Map<string, tf.Variable>): Student {
  for (const [name, shape] of parameterShapes(spec)) {
    const v = params.get(name);
    if (!v) throw new Error(`student weights lack "${name}"`);
    if (v.shape.join(',') !== shape.join(',')) {
      throw new Error(`student weight "${name}": expected shape [${shape}], found [${v.shape}]`);
    }
  }
  const p = (name: string) => params.get(name) as tf.Variable;
  const dh = spec.dModel / spec.nHeads;

  function dropout(x: tf.Tensor, options: ForwardOptions, salt: number): tf.Tensor {
    if (!options.training || spec.dropout === 0) return x;
    return tf.dropout(x, spec.dropout, undefined, (options.dropoutSeed ?? 0) * 131 + salt);
  }

  /** Multi-head self-attention on LN'd input x [B, L, D] with bias [B, 1, L, L]. */
  function attention(x: tf.Tensor3D, bias: tf.Tensor4D, i: number): tf.Tensor3D {
    const [b, l] = x.shape;
    const pre = `encoder.layer.${i}.attention`;
    const qkv = dense(x, p(`${pre}.qkv.weight`) as tf.Tensor2D, p(`${pre}.qkv.bias`) as tf.Tensor1D); // [B, L, 3D]
    // Columns are [q | k | v], each head-major [H, dh]. Three 4-D transposes, not one 5-D one: wasm's generic
    // 5-D transpose took ~140 ms a layer at B = 32, L = 64, D = 128, the split + 4-D path ~10 ms.
    const [q, k, v] = tf.split(qkv.reshape([b * l, 3 * spec.dModel]), 3, 1).map((t) =>
      t.reshape([b, l, spec.nHeads, dh]).transpose([0, 2, 1, 3]),
    ) as tf.Tensor4D[]; // each [B, H, L, dh]
    const scores = batchMatMul(q, k, false, true).mul(1 / Math.sqrt(dh)).add(bias); // [B, H, L, L]
    const context = batchMatMul(tf.softmax(scores), v); // [B, H, L, dh]
    const merged = context.transpose([0, 2, 1, 3]).reshape([b, l, spec.dModel]);
    return dense(merged, p(`${pre}.output.weight`) as tf.Tensor2D, p(`${pre}.output.bias`) as tf.Tensor1D) as tf.Tensor3D;
  }

  function mlp(x: tf.Tensor3D, i: number): tf.Tensor3D {
    const pre = `encoder.layer.${i}.mlp`;
    const h = gelu(dense(x, p(`${pre}.fc_in.weight`) as tf.Tensor2D, p(`${pre}.fc_in.bias`) as tf.Tensor1D));
    return dense(h, p(`${pre}.fc_out.weight`) as tf.Tensor2D, p(`${pre}.fc_out.bias`) as tf.Tensor1D) as tf.Tensor3D;
  }

  function forward(inputIds: tf.Tensor2D, mask: tf.Tensor2D, options: ForwardOptions): StudentOutput {
    const [b, l] = inputIds.shape;
    if (l > spec.maxLen) throw new Error(`sequence length ${l} exceeds the student's max_len ${spec.maxLen}`);
    const tokens = embeddingLookup(p('embeddings.word_embeddings.weight') as tf.Tensor2D, inputIds.flatten() as tf.Tensor1D).reshape([b, l, spec.dModel]);
    const positions = p('embeddings.position_embeddings.weight').slice([0, 0], [l, spec.dModel]);
    let x = dropout(tokens.add(positions), options, 1) as tf.Tensor3D; // [B, L, D]
    const bias = attentionBias(mask, spec.task === 'clm');
    for (let i = 0; i < spec.nLayers; i++) {
      const pre = `encoder.layer.${i}`;
      const a = attention(layerNorm(x, p(`${pre}.ln_1.weight`) as tf.Tensor1D, p(`${pre}.ln_1.bias`) as tf.Tensor1D) as tf.Tensor3D, bias, i);
      x = x.add(dropout(a, options, 10 + 2 * i));
      const m = mlp(layerNorm(x, p(`${pre}.ln_2.weight`) as tf.Tensor1D, p(`${pre}.ln_2.bias`) as tf.Tensor1D) as tf.Tensor3D, i);
      x = x.add(dropout(m, options, 11 + 2 * i));
    }
    const hidden = layerNorm(x, p('final_ln.weight') as tf.Tensor1D, p('final_ln.bias') as tf.Tensor1D) as tf.Tensor3D;
    if (spec.task === 'classification') {
      const pooled = pool(hidden, mask, spec.pooling); // [B, D]
      const logits = dense(pooled, p('classifier.weight') as tf.Tensor2D, p('classifier.bias') as tf.Tensor1D);
      return { logits, hidden };
    }
    // Tied LM head: logits = hidden @ Eᵀ + b, one [B·L, D] × [D, V] matmul.
    const flat = hidden.reshape([b * l, spec.dModel]) as tf.Tensor2D;
    const logits = linearTransposedWeight(flat, p('embeddings.word_embeddings.weight') as tf.Tensor2D, p('lm_head.bias') as tf.Tensor1D);
    return { logits: logits.reshape([b, l, spec.vocabSize]), hidden };
  }

  return {
    spec,
    params,
    paramCount: studentParamCount(spec),
    forward,
    dispose: () => params.forEach((v) => v.dispose()),
  };
}

/** [B, L, D] → [B, D]: mean over non-pad positions, or the first position. */
function pool(hidden: tf.Tensor3D, mask: tf.Tensor2D, pooling: 'mean' | 'first'): tf.Tensor2D {
  const [b, , d] = hidden.shape;
  if (pooling === 'first') return hidden.slice([0, 0, 0], [b, 1, d]).reshape([b, d]);
  const m = mask.expandDims(2); // [B, L, 1]
  const count = m.sum(1).maximum(1); // [B, 1]
  return hidden.mul(m).sum(1).div(count) as tf.Tensor2D;
}
