import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import type { DistillConfig } from '../engine/config/config.ts';
import { mergeConfig } from '../engine/config/merge.ts';
import type { NamedArray, StudentExport } from '../engine/trainer_types.ts';
import { encodeSafetensors, readSafetensors, toFloat32 } from '../io/index.ts';

export const STUDENT_WEIGHTS = 'student.safetensors';
export const STUDENT_CONFIG = 'config.json';

/** Writes DIR/student.safetensors (F32, HF-style names) and DIR/config.json. */
export async function writeStudentDir(dir: string, student: StudentExport, metadata: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const bytes = encodeSafetensors(student.tensors, { format: 'pt', ...metadata });
  await writeFile(path.join(dir, STUDENT_WEIGHTS), bytes);
  await writeFile(path.join(dir, STUDENT_CONFIG), JSON.stringify(student.config, null, 2) + '\n');
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
