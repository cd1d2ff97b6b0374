import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import type { DistillConfig } from '../engine/config/config.ts';
import { mergeConfig } from '../engine/config/merge.ts';
import type { StudentFiles } from '../engine/training/session.ts';
import type { NamedArray } from '../engine/trainer_types.ts';
import { readSafetensors, toFloat32 } from '../io/index.ts';
import { STUDENT_CONFIG, STUDENT_WEIGHTS } from '../io/student_files.ts';

export { STUDENT_CONFIG, STUDENT_WEIGHTS } from '../io/student_files.ts';

/** Writes DIR/student.safetensors and DIR/config.json as io/student_files.ts encoded them. */
export async function writeStudentDir(dir: string, files: StudentFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, STUDENT_WEIGHTS), files.safetensors);
  await writeFile(path.join(dir, STUDENT_CONFIG), files.configJson);
}

/** Reads a student directory back: the training config (config.json `distill`) and the weights. */
export async function readStudentDir(dir: string): Promise<{ config: Readonly<DistillConfig>; tensors: NamedArray[]; raw: Record<string, unknown> }> {
  const configPath = path.join(dir, STUDENT_CONFIG);
  const raw = JSON.parse(await readFile(configPath, 'utf8').catch(() => {
    throw new Error(`${configPath}: no such file (is ${dir} a student directory written by distill train?)`);
  })) as Record<string, unknown>;
  const distill = raw.distill;
  if (typeof distill !== 'object' || distill === null) throw new Error(`${configPath}: no "distill" training config`);
  const config = mergeConfig(distill as Record<string, unknown>);
  const file = await readSafetensors(await openAsBlob(path.join(dir, STUDENT_WEIGHTS)));
  const tensors: NamedArray[] = [];
  for (const [name, t] of file.tensors) {
    tensors.push({ name, dtype: 'F32', shape: [...t.shape], data: toFloat32(t, name) });
  }
  return { config, tensors, raw };
}
