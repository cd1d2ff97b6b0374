/**
 * encodeDistillSet: a whole DistillSet as a contract-conforming .safetensors file (tests, the page's demo
 * download). Reads back with readDistillSet to an equal set (rawMetadata gains the resolved keys).
 */
import type { DistillSet } from './distill_set.ts';
import { metadataStrings } from './metadata_export.ts';
import { encodeSafetensors, type SafetensorsEntry } from './safetensors_write.ts';

export function encodeDistillSet(set: DistillSet): Uint8Array<ArrayBuffer> {
  const { n, seqLen: l, teacher } = set;
  const entries: SafetensorsEntry[] = [
    { name: 'input_ids', dtype: 'I32', shape: [n, l], data: set.inputIds },
    { name: 'attention_mask', dtype: 'U8', shape: [n, l], data: set.attentionMask },
  ];
  if (set.labels) entries.push({ name: 'labels', dtype: 'I32', shape: set.task === 'classification' ? [n] : [n, l], data: set.labels });
  if (teacher.kind === 'dense') {
    entries.push({ name: 'teacher_logits', dtype: 'F32', shape: set.task === 'classification' ? [n, teacher.width] : [n, l, teacher.width], data: teacher.logits });
  } else {
    entries.push({ name: 'teacher_topk_ids', dtype: 'I32', shape: [n, l, teacher.k], data: teacher.ids });
    entries.push({ name: 'teacher_topk_logits', dtype: 'F32', shape: [n, l, teacher.k], data: teacher.logits });
    if (teacher.logsumexp) entries.push({ name: 'teacher_logsumexp', dtype: 'F32', shape: [n, l], data: teacher.logsumexp });
  }
  if (set.teacherHidden) entries.push({ name: 'teacher_hidden', dtype: 'F32', shape: [n, l, set.teacherHidden.size], data: set.teacherHidden.data });
  return encodeSafetensors(entries, metadataStrings(set));
}
