/**
 * The trainer's student as files see it: export to the Hugging Face layout (model.safetensors tensors in torch
 * names and layout, config.json, the cosine projection), load such tensors back (a trained directory, a
 * teacher init), and the AdamW state keyed as torch's AdamW keys it. Engine layout ↔ disk layout is
 * model/hf_format.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { DistillConfig } from '../config/config.ts';
import type { Split } from '../data/split.ts';
import { fromDiskTensors, hfModelConfig, partialFromDisk, toDiskTensors, type WeightArray } from '../model/hf_format.ts';
import type { StudentSpec } from '../model/spec.ts';
import type { Student } from '../model/student.ts';
import type { AdamW } from '../optim/adamw.ts';
import type { NamedArray, StudentExport } from '../trainer_types.ts';
import type { DistillMetadata } from '../types.ts';

/** Name of the cosine-loss projection in exports (it is trained, but not part of the student proper). */
export const PROJECTION_NAME = 'distill.hidden_projection.weight';

export interface StudentIoParts {
  spec: StudentSpec;
  student: Student;
  projection: tf.Variable | null;
  optimizer: AdamW;
  config: Readonly<DistillConfig>;
  metadata: DistillMetadata;
}

async function arrays(vars: Iterable<[string, tf.Variable]>): Promise<WeightArray[]> {
  const out: WeightArray[] = [];
  for (const [name, v] of vars) out.push({ name, dtype: 'F32', shape: [...v.shape], data: (await v.data()) as Float32Array });
  return out;
}

const floats = (tensors: readonly NamedArray[]): WeightArray[] => tensors.map((t) => ({ ...t, dtype: 'F32' as const, data: Float32Array.from(t.data) }));

export async function exportStudentOf(p: StudentIoParts, run: { backend: string; step: number; split: Split }): Promise<StudentExport> {
  const { spec, student, projection, config, metadata: meta } = p;
  return {
    tensors: toDiskTensors(spec, await arrays(student.params)),
    projection: projection ? (await arrays([[PROJECTION_NAME, projection]]))[0] : undefined,
    config: {
      ...hfModelConfig(spec, { padId: spec.padId, maskId: meta.maskId, bosId: meta.bosId, eosId: meta.eosId }, meta.labelNames),
      num_parameters: student.paramCount,
      // the resolved family ('auto' names the one it picked), so the directory says what it holds
      distill: spec.architecture === 'legacy' ? { ...config } : { ...config, architecture: spec.architecture },
      backend: run.backend,
      steps_trained: run.step,
      split: { source: run.split.source, n_train: run.split.train.length, n_eval: run.split.eval.length },
    },
  };
}

/** model.safetensors tensors (and a `distill.hidden_projection.weight` entry) into the student's variables. */
export function loadStudentInto(p: Pick<StudentIoParts, 'spec' | 'student' | 'projection'>, tensors: readonly NamedArray[]): void {
  let projected: WeightArray | undefined;
  const engine = fromDiskTensors(p.spec, floats(tensors), (extra) => {
    if (extra.name === PROJECTION_NAME) projected = extra;
  });
  const { projection } = p;
  if (projected && projection && projected.shape.join(',') !== projection.shape.join(',')) {
    throw new Error(`${PROJECTION_NAME}: expected shape [${projection.shape}], found [${projected.shape}]`);
  }
  for (const a of engine) tf.tidy(() => (p.student.params.get(a.name) as tf.Variable).assign(tf.tensor(a.data, a.shape, 'float32')));
  // a student exported without a projection keeps its fresh one
  const from = projected;
  if (from && projection) tf.tidy(() => projection.assign(tf.tensor(from.data, projection.shape, 'float32')));
}

/** Starting weights in model.safetensors layout, any subset (the others keep their seeded init). */
export function assignInitialWeights(p: Pick<StudentIoParts, 'spec' | 'student'>, tensors: readonly NamedArray[]): void {
  for (const a of partialFromDisk(p.spec, floats(tensors))) {
    tf.tidy(() => (p.student.params.get(a.name) as tf.Variable).assign(tf.tensor(a.data, a.shape, 'float32')));
  }
}

/** AdamW's moments in model.safetensors layout: exp_avg.NAME / exp_avg_sq.NAME, as torch's AdamW keys them. */
export async function exportOptimizerOf(p: Pick<StudentIoParts, 'spec' | 'optimizer'>): Promise<{ step: number; tensors: NamedArray[] }> {
  const tensors: NamedArray[] = [];
  for (const [prefix, moments] of [['exp_avg', p.optimizer.state.m], ['exp_avg_sq', p.optimizer.state.v]] as const) {
    const all = await arrays(moments);
    const model = toDiskTensors(p.spec, all.filter((a) => a.name !== PROJECTION_NAME));
    for (const a of [...model, ...all.filter((x) => x.name === PROJECTION_NAME)]) tensors.push({ ...a, name: `${prefix}.${a.name}` });
  }
  return { step: p.optimizer.state.step, tensors };
}
