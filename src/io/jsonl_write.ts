/**
 * encodeDistillSetJsonl: a DistillSet as JSON Lines (metadata line, then one object per example). Meant for
 * small sets and hand inspection: float32 values are written exactly (as the shortest decimal of their float64 widening).
 */
import type { DistillSet } from './distill_set.ts';
import { metadataForExport } from './metadata_export.ts';

export function encodeDistillSetJsonl(set: DistillSet): string {
  const { n, seqLen: l, teacher } = set;
  const lines = [JSON.stringify({ metadata: metadataForExport(set) })];
  const rows = <T>(x: ArrayLike<T>, i: number, width: number): T[] => Array.from({ length: width }, (_, j) => x[i * width + j]);
  const grid = (x: Float32Array | Int32Array, i: number, width: number): number[][] => Array.from({ length: l }, (_, t) => rows(x, i * l + t, width));
  for (let i = 0; i < n; i++) {
    const ex: Record<string, unknown> = {
      input_ids: rows(set.inputIds, i, l),
      attention_mask: rows(set.attentionMask, i, l),
    };
    if (set.labels) ex.labels = set.task === 'classification' ? set.labels[i] : rows(set.labels, i, l);
    if (teacher.kind === 'dense') {
      ex.teacher_logits = set.task === 'classification' ? rows(teacher.logits, i, teacher.width) : grid(teacher.logits, i, teacher.width);
    } else {
      ex.teacher_topk_ids = grid(teacher.ids, i, teacher.k);
      ex.teacher_topk_logits = grid(teacher.logits, i, teacher.k);
      if (teacher.logsumexp) ex.teacher_logsumexp = rows(teacher.logsumexp, i, l);
    }
    if (set.teacherHidden) ex.teacher_hidden = grid(set.teacherHidden.data, i, set.teacherHidden.size);
    lines.push(JSON.stringify(ex));
  }
  return lines.join('\n') + '\n';
}
