import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync, openAsBlob } from 'node:fs';
import path from 'node:path';
import type { DistillConfig } from '../engine/config/config.ts';
import type { VocabMap } from '../engine/data/trim_vocab.ts';
import { mergeConfig } from '../engine/config/merge.ts';
import type { ArchitectureName } from '../engine/model/architectures/types.ts';
import { architectureOfConfig } from '../engine/model/hf_format.ts';
import type { NamedArray } from '../engine/trainer_types.ts';
import type { StudentFiles } from '../engine/training/session.ts';
import { readSafetensors, toFloat32 } from '../io/index.ts';
import { LEGACY_WEIGHTS, MODEL_CONFIG, MODEL_WEIGHTS, OPTIMIZER_FILE, PROJECTION_FILE } from '../io/student_files.ts';
import { decodeVocabMap, VOCAB_MAP_FILE } from '../io/vocab_map.ts';

/** Writes the student directory as io/student_files.ts encoded it (config.json, model.safetensors, …); returns the names. */
export async function writeStudentDir(dir: string, student: StudentFiles): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  for (const f of student.files) await writeFile(path.join(dir, f.name), f.bytes);
  return student.files.map((f) => f.name);
}

export interface StudentDir {
  /** The training config (config.json `distill`). */
  config: Readonly<DistillConfig>;
  /** The family, from config.json model_type (legacy for Distill Playground 0.1 directories). */
  architecture: ArchitectureName;
  /** model.safetensors (or a 0.1 student.safetensors) plus the cosine projection when there is one. */
  tensors: NamedArray[];
  raw: Record<string, unknown>;
  /** Every file of the directory by name (a handoff copies them). */
  files: string[];
  /** optimizer.safetensors, when the run wrote its AdamW state. */
  optimizerFile?: string;
  /** vocab_map.json: the student was trained on a trimmed vocabulary (engine/data/trim_vocab.ts). */
  vocabMap?: VocabMap;
}

async function readTensors(file: string): Promise<NamedArray[]> {
  const read = await readSafetensors(await openAsBlob(file));
  return [...read.tensors].map(([name, t]) => ({ name, dtype: 'F32' as const, shape: [...t.shape], data: toFloat32(t, name) }));
}

/** Reads a student directory back: a Hugging Face directory written by distill train, or a 0.1 one. */
export async function readStudentDir(dir: string): Promise<StudentDir> {
  const configPath = path.join(dir, MODEL_CONFIG);
  const text = await readFile(configPath, 'utf8').catch(() => {
    throw new Error(`${configPath}: no such file (is ${dir} a student directory written by distill train?)`);
  });
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${configPath}: not JSON (${(err as Error).message})`);
  }
  const distill = raw.distill;
  if (typeof distill !== 'object' || distill === null) throw new Error(`${configPath}: no "distill" training config (not written by distill train)`);
  const architecture = architectureOfConfig(raw);
  // a 0.1 directory's config predates the key; a new one names its resolved family
  const stored = { ...(distill as Record<string, unknown>) };
  if (architecture === 'legacy') delete stored.architecture;
  const config = mergeConfig(stored);
  const weights = [MODEL_WEIGHTS, LEGACY_WEIGHTS].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!weights) throw new Error(`${dir}: no ${MODEL_WEIGHTS}`);
  const tensors = await readTensors(weights);
  const projection = path.join(dir, PROJECTION_FILE);
  if (existsSync(projection)) tensors.push(...(await readTensors(projection)));
  const optimizerFile = path.join(dir, OPTIMIZER_FILE);
  const mapFile = path.join(dir, VOCAB_MAP_FILE);
  const vocabMap = existsSync(mapFile) ? decodeVocabMap(await readFile(mapFile, 'utf8'), mapFile) : undefined;
  return { config, architecture, tensors, raw, files: await readdir(dir), optimizerFile: existsSync(optimizerFile) ? optimizerFile : undefined, vocabMap };
}
