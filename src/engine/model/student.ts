import * as tf from '@tensorflow/tfjs';
import { truncatedNormalArray } from '../rng.ts';
import { FORWARDS } from './architectures/forwards.ts';
import type { ForwardOptions, ParamDef, StudentOutput, StudentSpec } from './architectures/types.ts';
import { parameterDefs, studentParamCount } from './spec.ts';

export { decayedNames } from './spec.ts';

export type { ForwardOptions, StudentOutput } from './architectures/types.ts';

/** Std of the normal initialiser (BERT, DistilBERT and GPT-2 use 0.02). */
const INIT_STD = 0.02;

export interface Student {
  readonly spec: StudentSpec;
  /** Every trainable variable by its torch name (parameterDefs order), engine layout. */
  readonly params: ReadonlyMap<string, tf.Variable>;
  readonly paramCount: number;
  /** inputIds int32 [B, L], mask float32 [B, L] (1 = token, 0 = pad). Call inside tf.tidy. */
  forward(inputIds: tf.Tensor2D, mask: tf.Tensor2D, options: ForwardOptions): StudentOutput;
  dispose(): void;
}


function initialValue(def: ParamDef, spec: StudentSpec, seed: number): tf.Tensor {
  if (def.init === 'zeros') return tf.zeros(def.shape);
  if (def.init === 'ones') return tf.ones(def.shape);
  // GPT-2: residual projections scaled by 1/√(2·layers) so the residual stream's variance stays O(1).
  const std = def.init === 'residual' ? INIT_STD / Math.sqrt(2 * spec.nLayers) : INIT_STD;
  const values = truncatedNormalArray(def.shape.reduce((a, b) => a * b, 1), 0, std, seed);
  // DistilBERT's word embeddings have padding_idx = pad_token_id: torch starts that row at 0.
  if (spec.architecture === 'distilbert' && def.name === 'distilbert.embeddings.word_embeddings.weight') {
    const d = def.shape[1];
    values.fill(0, spec.padId * d, (spec.padId + 1) * d);
  }
  return tf.tensor(values, def.shape, 'float32');
}

let nextStudentId = 0;

/** Builds a student with weights drawn from `seed` (each parameter gets seed·7919 + its index). */
export function createStudent(spec: StudentSpec, seed: number): Student {
  checkSpec(spec);
  const params = new Map<string, tf.Variable>();
  nextStudentId++; // tfjs variable names are global: one prefix per student
  parameterDefs(spec).forEach((def, i) => {
    const init = tf.tidy(() => initialValue(def, spec, seed * 7919 + i));
    params.set(def.name, tf.variable(init, true, `student${nextStudentId}/${def.name}`));
    init.dispose();
  });
  return buildStudent(spec, params);
}

function checkSpec(spec: StudentSpec): void {
  if (spec.task === 'classification' && !(spec.numClasses && spec.numClasses > 0)) {
    throw new Error('a classification student needs numClasses > 0');
  }
  if (spec.dModel % spec.nHeads !== 0) throw new Error(`d_model (${spec.dModel}) must be divisible by n_heads (${spec.nHeads})`);
  if (!(spec.padId >= 0 && spec.padId < spec.vocabSize)) throw new Error(`pad id ${spec.padId} is outside the vocabulary [0, ${spec.vocabSize})`);
}

/** Wraps existing variables (loaded weights, engine layout) as a student. Takes ownership of them. */
export function buildStudent(spec: StudentSpec, params: Map<string, tf.Variable>): Student {
  checkSpec(spec);
  for (const def of parameterDefs(spec)) {
    const v = params.get(def.name);
    if (!v) throw new Error(`student weights lack "${def.name}"`);
    if (v.shape.join(',') !== def.shape.join(',')) {
      throw new Error(`student weight "${def.name}": expected shape [${def.shape}], found [${v.shape}]`);
    }
  }
  const forwardOf = FORWARDS[spec.architecture];
  const p = (name: string): tf.Tensor => {
    const v = params.get(name);
    if (!v) throw new Error(`${spec.architecture} forward asked for an unknown parameter "${name}"`);
    return v;
  };

  function forward(inputIds: tf.Tensor2D, mask: tf.Tensor2D, options: ForwardOptions): StudentOutput {
    const l = inputIds.shape[1];
    if (l > spec.maxLen) throw new Error(`sequence length ${l} exceeds the student's max_len ${spec.maxLen}`);
    const dropout = (x: tf.Tensor, salt: number): tf.Tensor => {
      if (!options.training || spec.dropout === 0) return x;
      return tf.dropout(x, spec.dropout, undefined, (options.dropoutSeed ?? 0) * 131 + salt);
    };
    return forwardOf({ spec, p, dropout }, inputIds, mask);
  }

  return {
    spec,
    params,
    paramCount: studentParamCount(spec),
    forward,
    dispose: () => params.forEach((v) => v.dispose()),
  };
}
