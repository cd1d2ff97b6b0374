/**
 * vocab_map.json of a trimmed student (engine/data/trim_vocab.ts): student id i is teacher id teacher_ids[i]; a
 * dense teacher's trimmed student has one more output row, `dropped_bucket`, standing for every dropped id.
 * `distill predict` maps its outputs back through it (ids in the teacher's vocabulary); a transformers user
 * indexes the same way: `teacher_ids[student_logits.argmax(-1)]`.
 */
import type { VocabMap } from '../engine/data/trim_vocab.ts';

export const VOCAB_MAP_FILE = 'vocab_map.json';
export const VOCAB_MAP_FORMAT = 'distill-playground-vocab-map';

export function encodeVocabMap(map: VocabMap): Uint8Array {
  const body = {
    format: VOCAB_MAP_FORMAT,
    version: 1,
    teacher_vocab_size: map.teacherVocabSize,
    student_vocab_size: map.teacherIds.length + (map.tailId !== undefined ? 1 : 0),
    dropped_bucket: map.tailId ?? null,
    teacher_ids: Array.from(map.teacherIds),
  };
  return new TextEncoder().encode(JSON.stringify(body) + '\n');
}

/** Parses and checks vocab_map.json (ids ascending, distinct, inside the teacher's vocabulary). */
export function decodeVocabMap(text: string, where = VOCAB_MAP_FILE): VocabMap {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${where}: not JSON (${(err as Error).message})`);
  }
  if (raw.format !== VOCAB_MAP_FORMAT) throw new Error(`${where}: not a ${VOCAB_MAP_FORMAT} file`);
  const v = raw.teacher_vocab_size;
  const ids = raw.teacher_ids;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || !Array.isArray(ids)) throw new Error(`${where}: teacher_vocab_size and teacher_ids are required`);
  const teacherIds = Int32Array.from(ids as number[]);
  teacherIds.forEach((t, i) => {
    if (!Number.isInteger(ids[i]) || t < 0 || t >= v || (i > 0 && t <= teacherIds[i - 1])) throw new Error(`${where}: teacher_ids must be ascending ids in [0, ${v})`);
  });
  const tail = raw.dropped_bucket;
  if (tail !== null && tail !== undefined && tail !== teacherIds.length) throw new Error(`${where}: dropped_bucket must be ${teacherIds.length} (the row after the kept ids) or null`);
  return { teacherVocabSize: v, teacherIds, tailId: typeof tail === 'number' ? tail : undefined };
}
