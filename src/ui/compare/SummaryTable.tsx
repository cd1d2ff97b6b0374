/**
 * Teacher vs student side by side: size, speed, loyalty and accuracy. Pure: props in, table out.
 *
 * Latency is said with where it comes from: the student's is measured in this browser, on the run's
 * backend; the teacher's is the file's `teacher_ms_per_example`, measured by the exporter on its own hardware.
 * A speed-up ratio is shown only when both were measured here (a ratio across machines says more about the
 * machines than about the models).
 */
import type { EvalMetrics } from '../../engine/trainer_types.ts';
import { formatBytes, formatCount, formatMs, formatPct } from '../format.ts';

export interface SummaryTableProps {
  teacherName?: string;
  teacherParams?: number;
  teacherMsPerExample?: number;
  /** The teacher's latency was measured in this browser too (its weights loaded here), not read from the file. */
  teacherMeasuredHere?: boolean;
  /** The file's own teacher figure, when the one shown was measured here. */
  teacherFileMs?: number;
  studentParams: number | null;
  studentMsPerExample: number | null;
  /** The backend the student was timed on. */
  studentBackend?: string;
  metrics: EvalMetrics | null;
}

/** " (20.0× faster)" or " (1.3× slower)"; empty without both timings. */
function speedupText(speedup: number | null): string {
  if (!speedup) return '';
  return speedup >= 1 ? ` (${speedup.toFixed(1)}× faster)` : ` (${(1 / speedup).toFixed(1)}× slower)`;
}

export function SummaryTable(p: SummaryTableProps) {
  const ratio = p.teacherParams && p.studentParams ? p.teacherParams / p.studentParams : null;
  const speedup = p.teacherMeasuredHere && p.teacherMsPerExample && p.studentMsPerExample ? p.teacherMsPerExample / p.studentMsPerExample : null;
  const teacherSource = p.teacherMsPerExample ? (p.teacherMeasuredHere ? ' (this browser)' : " (the file's, measured on the exporter's hardware)") : '';
  const studentSource = p.studentMsPerExample ? ` (this browser${p.studentBackend ? `, ${p.studentBackend}` : ''})` : '';
  const m = p.metrics;
  const rows: [string, string, string][] = [
    ['parameters', formatCount(p.teacherParams), `${formatCount(p.studentParams)}${ratio ? ` (${ratio.toFixed(ratio >= 10 ? 0 : 1)}× smaller)` : ''}`],
    ['size (fp32)', p.teacherParams ? formatBytes(p.teacherParams * 4) : '—', p.studentParams ? formatBytes(p.studentParams * 4) : '—'],
    ['ms per example', `${formatMs(p.teacherMsPerExample)}${teacherSource}`, `${formatMs(p.studentMsPerExample)}${speedup ? `${speedupText(speedup)}, same browser` : studentSource}`],
    ['label loyalty', '100 % (reference)', formatPct(m?.label_loyalty)],
    ...(m?.masked_label_loyalty !== undefined ? [['label loyalty, masked positions', '100 % (reference)', formatPct(m.masked_label_loyalty)] as [string, string, string]] : []),
    ['prob loyalty', '100 % (reference)', formatPct(m?.prob_loyalty)],
    ...(m?.masked_prob_loyalty !== undefined ? [['prob loyalty, masked positions', '100 % (reference)', formatPct(m.masked_prob_loyalty)] as [string, string, string]] : []),
    ['KL(teacher ‖ student)', '0', m ? `${m.kl.toFixed(4)} nats` : '—'],
    ['accuracy vs labels', formatPct(m?.teacher_accuracy), formatPct(m?.student_accuracy)],
  ];
  return (
    <table className="table summary-table" data-testid="summary-table">
      <thead>
        <tr>
          <th />
          <th scope="col">teacher{p.teacherName ? ` (${p.teacherName})` : ''}</th>
          <th scope="col">student</th>
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
      <caption>
        {m ? `held-out metrics over ${formatCount(m.n_positions)} positions. ` : ''}
        Student latency is measured in this browser; the teacher&apos;s comes from the file (the exporter&apos;s hardware)
        {p.teacherMeasuredHere
          ? `; here the teacher's shape was timed in this browser too, on the same hardware${p.teacherFileMs ? ` (the file says ${formatMs(p.teacherFileMs)})` : ''}`
          : ', so no speed-up ratio is given'}
        .
        {m?.masked_label_loyalty !== undefined &&
          ' Masked positions are the tokens the teacher had to predict; the others show their input token, which both models copy through, so loyalty over all positions starts high.'}
      </caption>
    </table>
  );
}
