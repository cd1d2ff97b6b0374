/** Teacher vs student side by side: size, speed, loyalty and accuracy. Pure: props in, table out. */
import type { EvalMetrics } from '../../engine/trainer_types.ts';
import { formatBytes, formatCount, formatMs, formatPct } from '../format.ts';

export interface SummaryTableProps {
  teacherName?: string;
  teacherParams?: number;
  teacherMsPerExample?: number;
  studentParams: number | null;
  studentMsPerExample: number | null;
  metrics: EvalMetrics | null;
}

/** " (20.0× faster)" or " (1.3× slower)"; empty without both timings. */
function speedupText(speedup: number | null): string {
  if (!speedup) return '';
  return speedup >= 1 ? ` (${speedup.toFixed(1)}× faster)` : ` (${(1 / speedup).toFixed(1)}× slower)`;
}

export function SummaryTable(p: SummaryTableProps) {
  const ratio = p.teacherParams && p.studentParams ? p.teacherParams / p.studentParams : null;
  const speedup = p.teacherMsPerExample && p.studentMsPerExample ? p.teacherMsPerExample / p.studentMsPerExample : null;
  const rows: [string, string, string][] = [
    ['parameters', formatCount(p.teacherParams), `${formatCount(p.studentParams)}${ratio ? ` (${ratio.toFixed(ratio >= 10 ? 0 : 1)}× smaller)` : ''}`],
    ['size (fp32)', p.teacherParams ? formatBytes(p.teacherParams * 4) : '—', p.studentParams ? formatBytes(p.studentParams * 4) : '—'],
    ['ms per example', formatMs(p.teacherMsPerExample), `${formatMs(p.studentMsPerExample)}${speedupText(speedup)}`],
    ['label loyalty', '100 % (reference)', formatPct(p.metrics?.label_loyalty)],
    ['prob loyalty', '100 % (reference)', formatPct(p.metrics?.prob_loyalty)],
    ['KL(teacher ‖ student)', '0', p.metrics ? `${p.metrics.kl.toFixed(4)} nats` : '—'],
    ['accuracy vs labels', formatPct(p.metrics?.teacher_accuracy), formatPct(p.metrics?.student_accuracy)],
  ];
  return (
    <table className="table summary-table" data-testid="summary-table">
      <thead>
        <tr>
          <th />
          <th>teacher{p.teacherName ? ` (${p.teacherName})` : ''}</th>
          <th>student</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, teacher, student]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td>{teacher}</td>
            <td>{student}</td>
          </tr>
        ))}
      </tbody>
      {p.metrics && (
        <caption>
          held-out metrics over {formatCount(p.metrics.n_positions)} positions; teacher ms/example from the file's metadata,
          student measured in this page
        </caption>
      )}
    </table>
  );
}
