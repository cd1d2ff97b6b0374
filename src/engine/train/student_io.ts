/**
 * The trainer's student as files see it: export to the Hugging Face layout (model.safetensors tensors in torch
 * names and layout, config.json, the cosine projection), load such tensors back (a trained directory, a
 * teacher init), and the AdamW state keyed as torch's AdamW keys it. Engine layout ↔ disk layout is
 * model/hf_format.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { DistillConfig } from '../config/config.ts';
import type { Split } from '../data/split.ts';
import { fromDiskTensors, hfModelConfig, partialFromDisk, toDiskSources, type WeightArray, type WeightSource } from '../model/hf_format.ts';
import type { StudentSpec } from '../model/spec.ts';
import type { Student } from '../model/student.ts';
import type { AdamW } from '../optim/adamw.ts';
import type { NamedArray, StudentExport, StudentSources } from '../trainer_types.ts';
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

/** Each variable as a source: its data() copy is made at read(), when a writer is ready to take it. */
const sources = (vars: Iterable<[string, tf.Variable]>): WeightSource[] =>
  [...vars].map(([name, v]) => ({ name, dtype: 'F32', shape: [...v.shape], read: async () => (await v.data()) as Float32Array }));

/** Reads sources one after the other (the in-memory exports). */
async function readAll(list: readonly WeightSource[]): Promise<WeightArray[]> {
  const out: WeightArray[] = [];
  for (const { read, ...a } of list) out.push({ ...a, data: await read() });
  return out;
}

const floats = (tensors: readonly NamedArray[]): WeightArray[] => tensors.map((t) => ({ ...t, dtype: 'F32' as const, data: Float32Array.from(t.data) }));

/**
 * The student's files as sources, read when written (io's encodeStudentFilesStreamed): model.safetensors'
 * tensors, the projection, config.json, and AdamW's moments keyed as torch's AdamW keys them. The caller keeps
 * the trainer paused until every source is read.
 */
export function studentSourcesOf(p: StudentIoParts, run: { backend: string; step: number; split: Split }): StudentSources {
  const { spec, student, projection, config, metadata: meta } = p;
  return {
    student: {
      tensors: toDiskSources(spec, sources(student.params)),
      projection: projection ? sources([[PROJECTION_NAME, projection]])[0] : undefined,
      config: {
        ...hfModelConfig(spec, { padId: spec.padId, maskId: meta.maskId, bosId: meta.bosId, eosId: meta.eosId }, meta.labelNames),
        num_parameters: student.paramCount,
        // the resolved family ('auto' names the one it picked), so the directory says what it holds
        distill: spec.architecture === 'legacy' ? { ...config } : { ...config, architecture: spec.architecture },
        backend: run.backend,
        steps_trained: run.step,
        split: { source: run.split.source, n_train: run.split.train.length, n_eval: run.split.eval.length },
      },
    },
    optimizer: optimizerSourcesOf(p),
  };
}

export async function exportStudentOf(p: StudentIoParts, run: { backend: string; step: number; split: Split }): Promise<StudentExport> {
  const { tensors, projection, config } = studentSourcesOf(p, run).student;
  return { tensors: await readAll(tensors), projection: projection ? (await readAll([projection]))[0] : undefined, config };
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
function optimizerSourcesOf(p: Pick<StudentIoParts, 'spec' | 'optimizer'>): { step: number; tensors: WeightSource[] } {
  const tensors: WeightSource[] = [];
  for (const [prefix, moments] of [['exp_avg', p.optimizer.state.m], ['exp_avg_sq', p.optimizer.state.v]] as const) {
    const all = sources(moments);
    const model = toDiskSources(p.spec, all.filter((a) => a.name !== PROJECTION_NAME));
    for (const a of [...model, ...all.filter((x) => x.name === PROJECTION_NAME)]) tensors.push({ ...a, name: `${prefix}.${a.name}` });
  }
  return { step: p.optimizer.state.step, tensors };
}

export async function exportOptimizerOf(p: Pick<StudentIoParts, 'spec' | 'optimizer'>): Promise<{ step: number; tensors: NamedArray[] }> {
  const { step, tensors } = optimizerSourcesOf(p);
  return { step, tensors: await readAll(tensors) };
}
