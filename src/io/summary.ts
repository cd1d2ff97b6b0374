/**
 * What a loaded set is, computed once when it is read (plain JS, no tfjs): the page's data card (SetSummary)
 * and, inside it, report.json's `data` block (DatasetSummary: the inspect summary + the file and the teacher).
 */
import { IGNORE_INDEX, type DistillSet } from './distill_set.ts';
import { inspectDistillSet } from './inspect.ts';
import type { DatasetSummary, SetSummary } from '../engine/training/session.ts';

/** report.json `data`: { file, ...inspectDistillSet(set), teacher_name, teacher_params }. */
export function datasetSummary(set: DistillSet, fileName: string): DatasetSummary {
  return {
    file: fileName,
    ...inspectDistillSet(set),
    teacher_name: set.metadata.teacherName ?? null,
    teacher_params: set.metadata.teacherParams ?? null,
  };
}

export function summarizeSet(set: DistillSet, fileName: string, fileBytes: number): SetSummary {
  const meta = set.metadata;
  let realTokens = 0;
  for (let i = 0; i < set.attentionMask.length; i++) realTokens += set.attentionMask[i];
  let labelledPositions = 0;
  if (set.labels) for (let i = 0; i < set.labels.length; i++) if (set.labels[i] !== IGNORE_INDEX) labelledPositions++;
  let langs: Record<string, number> | undefined;
  if (meta.langs) {
    langs = {};
    for (const lang of meta.langs) langs[lang] = (langs[lang] ?? 0) + 1;
  }
  const evalExamples = meta.split ? meta.split.filter((s) => s === 'eval').length : undefined;
  return {
    fileName,
    fileBytes,
    task: set.task,
    examples: set.n,
    seqLen: set.seqLen,
    vocabSize: set.vocabSize,
    numClasses: set.numClasses,
    teacherKind: set.teacher.kind,
    topk: set.teacher.kind === 'topk' ? set.teacher.k : undefined,
    hasLogsumexp: set.teacher.kind === 'topk' && set.teacher.logsumexp !== undefined,
    hasLabels: set.labels !== undefined,
    labelledPositions,
    realTokens,
    hiddenSize: set.teacherHidden?.size,
    teacherName: meta.teacherName,
    teacherParams: meta.teacherParams,
    teacherMsPerExample: meta.teacherMsPerExample,
    langs,
    evalExamples,
    formatVersion: meta.formatVersion,
    dataset: datasetSummary(set, fileName),
  };
}
