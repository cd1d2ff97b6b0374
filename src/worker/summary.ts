/** The data card's facts about a DistillSet, computed once in the worker (plain JS, no tfjs). */
import { IGNORE_INDEX, type DistillSet } from '../engine/types.ts';
import type { SetSummary } from './protocol.ts';

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
  };
}
