/**
 * Student: the architecture knobs with the live parameter count, size and compression against the teacher,
 * and the memory one training step needs against the backend's budget (the estimate Train refuses with).
 */
import { describeStepEstimate } from '../engine/memory/step_estimate.ts';
import { studentParamCount, studentSpec } from '../engine/model/spec.ts';
import type { DistillConfig } from '../engine/config/config.ts';
import { isActive } from '../session/run_machine.ts';
import { useApp } from './app_context.tsx';
import { ConfigFields } from './ConfigField.tsx';
import { formatBinaryBytes, formatBytes, formatCount } from './format.ts';
import { useStepFit } from './use_step_fit.ts';

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
  const fit = useStepFit();
  // the student the run will build: with the trimmed vocabulary when the session will trim (step_check.ts)
  const vocabSize = fit?.vocabulary?.trim ? fit.vocabulary.trimmedVocab : summary?.vocabSize;
  const params = summary && vocabSize !== undefined ? countStudent(config, summary.task, vocabSize, summary.numClasses) : null;
  const ratio = params && summary?.teacherParams ? summary.teacherParams / params : null;
  // while a run goes, the session's own decision for it (the same function, same numbers); else the form's
  const decided = useApp((s) => (isActive(s.run.status) ? s.run.vocabulary : null));
  const vocabulary = decided?.reason ?? fit?.vocabulary?.reason;
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
      {fit && (
        <p
          className={fit.refusal ? 'step-memory step-memory-over' : 'step-memory'}
          data-testid="step-memory"
          title={`one step holds ${describeStepEstimate(fit.estimate)}`}
        >
          One training step needs about <strong>{formatBinaryBytes(fit.estimate.totalBytes)}</strong> of the{' '}
          {formatBinaryBytes(fit.budget.bytes)} {fit.backend} allows
          {fit.refusal ? ': too much, see Train.' : '.'}
        </p>
      )}
      {summary && vocabulary && (
        <p className="hint" data-testid="vocab-trim">
          {vocabulary.charAt(0).toUpperCase() + vocabulary.slice(1)}.
        </p>
      )}
      {!summary && <p className="hint">Load a set to count parameters (the vocabulary sets the embedding size).</p>}
    </section>
  );
}
