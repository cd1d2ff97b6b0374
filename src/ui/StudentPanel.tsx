/** Student: the architecture knobs with the live parameter count, size and compression against the teacher. */
import { studentParamCount, studentSpec } from '../engine/model/spec.ts';
import type { DistillConfig } from '../engine/config/config.ts';
import { useApp } from './app_context.tsx';
import { ConfigFields } from './ConfigField.tsx';
import { formatBytes, formatCount } from './format.ts';

/** Student parameters for a config and the loaded set (null without a set or with an invalid shape). */
export function countStudent(config: DistillConfig, task: 'mlm' | 'clm' | 'classification', vocabSize: number, numClasses?: number): number | null {
  if (config.d_model % config.n_heads !== 0) return null;
  try {
    return studentParamCount(studentSpec(config, task, { vocabSize, numClasses }));
  } catch {
    return null; // an architecture that cannot do the task (the form says why)
  }
}

export function StudentPanel() {
  const config = useApp((s) => s.config.values);
  const summary = useApp((s) => s.data.summary);
  const params = summary ? countStudent(config, summary.task, summary.vocabSize, summary.numClasses) : null;
  const ratio = params && summary?.teacherParams ? summary.teacherParams / params : null;
  return (
    <section className="panel" aria-labelledby="student-title">
      <h2 id="student-title">Student</h2>
      {/* pooling only concerns 0.1 run directories (DistilBERT pools [CLS], GPT-2 its last token) */}
      <ConfigFields group="student" skip={['pooling']} />
      <div className="stats" data-testid="student-stats">
        <div>
          <span className="stat-value">{params === null ? '—' : formatCount(params)}</span>
          <span className="stat-label">parameters</span>
        </div>
        <div>
          <span className="stat-value">{params === null ? '—' : formatBytes(params * 4)}</span>
          <span className="stat-label">fp32 size</span>
        </div>
        <div>
          <span className="stat-value">{ratio === null ? '—' : `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×`}</span>
          <span className="stat-label">smaller than teacher</span>
        </div>
      </div>
      {!summary && <p className="hint">Load a set to count parameters (the vocabulary sets the embedding size).</p>}
    </section>
  );
}
