/**
 * The files of a student directory, as bytes: what `distill train --out DIR` writes and the page's Export tab
 * downloads. The directory is a Hugging Face model directory (docs/student.md):
 *   config.json                  the family's transformers config + `distill` (the resolved training config)
 *   model.safetensors            F32 weights, torch names and layout (metadata {"format": "pt"}, as save_pretrained)
 *   hidden_projection.safetensors  the cosine loss's learned projection, when the run has one (not part of the model)
 *   optimizer.safetensors        the AdamW state (exp_avg.NAME / exp_avg_sq.NAME, metadata step), when given
 *   tokenizer.json, tokenizer_config.json   the teacher's fast tokenizer, when the set carries it (trimmed with the student)
 *   vocab_map.json               a trimmed student's ids in the teacher's vocabulary (io/vocab_map.ts)
 * Pure over bytes: the CLI writes them to disk, the page to downloads.
 */
import type { DistillMetadata } from './distill_set.ts';
import { encodeSafetensors, encodeSafetensorsStreamed, type SafetensorsEntry, type SafetensorsSource } from './safetensors_write.ts';
import type { VocabMap } from '../engine/data/trim_vocab.ts';
import type { NamedArray, StudentExport, StudentSources } from '../engine/trainer_types.ts';
import type { StudentFiles } from '../engine/training/session.ts';
import { encodeVocabMap, VOCAB_MAP_FILE } from './vocab_map.ts';

export const MODEL_WEIGHTS = 'model.safetensors';
export const MODEL_CONFIG = 'config.json';
export const PROJECTION_FILE = 'hidden_projection.safetensors';
/** AdamW's moments (exp_avg.NAME, exp_avg_sq.NAME, torch layout) and step: what a continuation resumes from. */
export const OPTIMIZER_FILE = 'optimizer.safetensors';
/** Distill Playground 0.1 wrote its [in, out] weights here; readers still accept it. */
export const LEGACY_WEIGHTS = 'student.safetensors';
/** The weights and config names the page's run archive and downloads use (the model directory's). */
export const STUDENT_WEIGHTS = MODEL_WEIGHTS;
export const STUDENT_CONFIG = MODEL_CONFIG;

export interface NamedFile {
  name: string;
  bytes: Uint8Array;
}

export interface OptimizerState {
  step: number;
  tensors: NamedArray[];
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n');

/**
 * tokenizer_config.json: the exporter's (the teacher's own save_pretrained output), or — for a tokenizer that
 * came without one — the fast tokenizer class and the special tokens named by the set's ids.
 */
function tokenizerConfig(meta: Pick<DistillMetadata, 'tokenizerConfig'>, maxLen: number): Record<string, unknown> {
  if (meta.tokenizerConfig) {
    const parsed: unknown = JSON.parse(meta.tokenizerConfig);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return { ...(parsed as Record<string, unknown>), model_max_length: maxLen };
  }
  return { tokenizer_class: 'PreTrainedTokenizerFast', model_max_length: maxLen };
}

/** A file of the directory: its bytes, or the tensors (and header metadata) of a safetensors file still to encode. */
type FilePart<T> = { name: string; bytes: Uint8Array } | { name: string; tensors: T[]; metadata: Record<string, string> };

/** The directory's files in a fixed order, over in-memory arrays (T = NamedArray) or sources (streamed). */
function dirParts<T>(
  student: { tensors: T[]; projection?: T; config: Record<string, unknown> },
  meta: Pick<DistillMetadata, 'tokenizerJson' | 'tokenizerConfig'>,
  optimizer?: { step: number; tensors: T[] },
  vocabMap?: VocabMap,
): FilePart<T>[] {
  const parts: FilePart<T>[] = [
    { name: MODEL_CONFIG, bytes: json(student.config) },
    { name: MODEL_WEIGHTS, tensors: student.tensors, metadata: { format: 'pt' } },
  ];
  if (student.projection) parts.push({ name: PROJECTION_FILE, tensors: [student.projection], metadata: { format: 'pt' } });
  if (optimizer) parts.push({ name: OPTIMIZER_FILE, tensors: optimizer.tensors, metadata: { format: 'pt', optimizer: 'adamw', step: String(optimizer.step) } });
  if (meta.tokenizerJson) {
    const maxLen = Number(student.config.max_position_embeddings ?? student.config.n_positions ?? 512);
    parts.push({ name: 'tokenizer.json', bytes: new TextEncoder().encode(meta.tokenizerJson) });
    parts.push({ name: 'tokenizer_config.json', bytes: json(tokenizerConfig(meta, maxLen)) });
  }
  if (vocabMap) parts.push({ name: VOCAB_MAP_FILE, bytes: encodeVocabMap(vocabMap) });
  return parts;
}

/** Every file of the directory, in a fixed order. */
export function studentDirFiles(
  student: StudentExport,
  meta: Pick<DistillMetadata, 'tokenizerJson' | 'tokenizerConfig'>,
  optimizer?: OptimizerState,
  vocabMap?: VocabMap,
): NamedFile[] {
  return dirParts<SafetensorsEntry>(student, meta, optimizer, vocabMap).map((p) => ('bytes' in p ? p : { name: p.name, bytes: encodeSafetensors(p.tensors, p.metadata) }));
}

function studentFilesOf(files: NamedFile[], paramCount: number): StudentFiles {
  const bytesOf = (name: string) => (files.find((f) => f.name === name) as NamedFile).bytes;
  return { files, safetensors: bytesOf(MODEL_WEIGHTS), configJson: new TextDecoder().decode(bytesOf(MODEL_CONFIG)), paramCount };
}

/**
 * The one writer of a trained student's files, for the CLI (`distill train` → DIR/) and the page (stored in
 * IndexedDB, downloaded from Export): every file of the directory, with model.safetensors and config.json
 * also apart (what the page's run archive keeps).
 */
export function encodeStudentFiles(
  student: StudentExport,
  paramCount: number,
  meta: Pick<DistillMetadata, 'tokenizerJson' | 'tokenizerConfig'> = {},
  optimizer?: OptimizerState,
  vocabMap?: VocabMap,
): StudentFiles {
  return studentFilesOf(studentDirFiles(student, meta, optimizer, vocabMap), paramCount);
}

/**
 * encodeStudentFiles' bytes, written from sources (Trainer.exportSources): each safetensors file is allocated
 * once and every tensor is read into it and let go before the next, so the export holds the files plus one
 * tensor rather than every tensor twice (the page saves a 250k-vocabulary student and its AdamW moments on top
 * of a wasm heap that never shrinks).
 */
export async function encodeStudentFilesStreamed(
  sources: StudentSources,
  paramCount: number,
  meta: Pick<DistillMetadata, 'tokenizerJson' | 'tokenizerConfig'> = {},
  vocabMap?: VocabMap,
): Promise<StudentFiles> {
  const files: NamedFile[] = [];
  for (const p of dirParts<SafetensorsSource>(sources.student, meta, sources.optimizer, vocabMap)) {
    files.push('bytes' in p ? p : { name: p.name, bytes: await encodeSafetensorsStreamed(p.tensors, p.metadata) });
  }
  return studentFilesOf(files, paramCount);
}
