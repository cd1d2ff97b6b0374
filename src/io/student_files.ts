/**
 * The one writer of a trained student's files, for the CLI (`distill train` → DIR/) and the page (stored in
 * IndexedDB, downloaded from Export): student.safetensors + config.json.
 *
 *   student.safetensors  every NamedArray, F32/I32, names as the trainer exports them (HF style); metadata
 *                        { format: 'pt', config: <config.json>, distill_config: <DistillConfig>, backend }
 *   config.json          the export's config object, 2-space JSON and a final newline
 */
import type { StudentExport } from '../engine/trainer_types.ts';
import type { StudentFiles } from '../engine/training/session.ts';
import { encodeSafetensors } from './safetensors_write.ts';

export const STUDENT_WEIGHTS = 'student.safetensors';
export const STUDENT_CONFIG = 'config.json';

export function encodeStudentFiles(student: StudentExport, paramCount: number): StudentFiles {
  const { distill, backend } = student.config;
  const metadata: Record<string, string> = { format: 'pt', config: JSON.stringify(student.config) };
  if (distill !== undefined) metadata.distill_config = JSON.stringify(distill);
  if (typeof backend === 'string') metadata.backend = backend;
  return {
    safetensors: encodeSafetensors(student.tensors, metadata),
    configJson: JSON.stringify(student.config, null, 2) + '\n',
    paramCount,
  };
}
