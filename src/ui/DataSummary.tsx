/** The summary card of a loaded set: what the teacher produced and what the student can learn from. */
import type { SetSummary } from '../engine/training/session.ts';
import { formatBytes, formatCount, formatMs } from './format.ts';

const TASK_NAMES: Record<SetSummary['task'], string> = {
  mlm: 'masked LM',
  clm: 'causal LM',
  classification: 'classification',
};

export function DataSummary({ summary, labelNames }: { summary: SetSummary; labelNames: string[] | null }) {
  const rows: [string, string][] = [
    ['file', `${summary.fileName} (${formatBytes(summary.fileBytes)})`],
    ['task', TASK_NAMES[summary.task]],
    ['examples', `${summary.examples}${summary.evalExamples !== undefined ? ` (${summary.evalExamples} held out)` : ''}`],
    ['length', `${summary.seqLen} positions · ${formatCount(summary.realTokens)} real tokens`],
    summary.task === 'classification'
      ? ['classes', `${summary.numClasses ?? '?'}${labelNames ? `: ${labelNames.slice(0, 6).join(', ')}${labelNames.length > 6 ? ', …' : ''}` : ''}`]
      : ['vocabulary', `${formatCount(summary.vocabSize)}${summary.usedVocabulary !== undefined ? ` · the set uses ${formatCount(summary.usedVocabulary)}` : ''}`],
    [
      'teacher output',
      summary.teacherKind === 'dense'
        ? 'dense logits'
        : `top-${summary.topk} logits${summary.hasLogsumexp ? ' + logsumexp' : ' (renormalised over k)'}`,
    ],
    ['labels', summary.hasLabels ? `yes (${formatCount(summary.labelledPositions)} labelled)` : 'none'],
    ['hidden states', summary.hiddenSize ? `yes (H = ${summary.hiddenSize})` : 'none'],
    [
      'teacher',
      `${summary.teacherName ?? 'unnamed'}${summary.teacherParams ? ` · ${formatCount(summary.teacherParams)} params` : ''}${
        summary.teacherMsPerExample ? ` · ${formatMs(summary.teacherMsPerExample)}/example` : ''
      }`,
    ],
  ];
  if (summary.langs) {
    const langs = Object.entries(summary.langs).sort((a, b) => b[1] - a[1]);
    rows.push(['languages', langs.map(([lang, n]) => `${lang} ${n}`).join(' · ')]);
  }
  return (
    <dl className="summary" data-testid="data-summary">
      {rows.map(([k, v]) => (
        <div key={k} className="summary-row">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
