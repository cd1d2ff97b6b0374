/** Student: the architecture knobs with the live parameter count, size and compression against the teacher. */
import { studentParamCount, studentSpec } from '../engine/model/spec.ts';
import type { DistillConfig } from '../engine/config/config.ts';
import { useActions, useApp } from './app_context.tsx';
import { NumberField } from './NumberField.tsx';
import { SelectField } from './SelectField.tsx';
import { formatBytes, formatCount } from './format.ts';

type IntKey = 'n_layers' | 'd_model' | 'n_heads' | 'd_ff' | 'max_len';
const FIELDS: { key: IntKey; label: string; help: string }[] = [
  { key: 'n_layers', label: 'layers', help: 'transformer blocks' },
  { key: 'd_model', label: 'd_model', help: 'residual width; divisible by heads' },
  { key: 'n_heads', label: 'heads', help: 'attention heads' },
  { key: 'd_ff', label: 'd_ff', help: 'MLP hidden width (GELU)' },
  { key: 'max_len', label: 'max length', help: 'position embeddings; at least the set length' },
];

/** Student parameters for a config and the loaded set (null without a set or with an invalid shape). */
export function countStudent(config: DistillConfig, task: 'mlm' | 'clm' | 'classification', vocabSize: number, numClasses?: number): number | null {
  if (config.d_model % config.n_heads !== 0) return null;
  return studentParamCount(studentSpec(config, task, { vocabSize, numClasses }));
}

export function StudentPanel() {
  const config = useApp((s) => s.config.values);
  const errorKey = useApp((s) => s.config.error?.key);
  const summary = useApp((s) => s.data.summary);
  const { setConfigValue } = useActions();
  const params = summary ? countStudent(config, summary.task, summary.vocabSize, summary.numClasses) : null;
  const ratio = params && summary?.teacherParams ? summary.teacherParams / params : null;
  return (
    <section className="panel" aria-labelledby="student-title">
      <h2 id="student-title">Student</h2>
      <div className="grid-fields">
        {FIELDS.map((f) => (
          <NumberField
            key={f.key}
            label={f.label}
            name={f.key}
            integer
            min={1}
            value={config[f.key]}
            help={f.help}
            invalid={errorKey === f.key}
            onChange={(v) => setConfigValue(f.key, v)}
          />
        ))}
        <NumberField label="dropout" name="dropout" value={config.dropout} min={0} max={0.9} step={0.05} invalid={errorKey === 'dropout'} onChange={(v) => setConfigValue('dropout', v)} />
        {summary?.task === 'classification' && (
          <SelectField
            label="pooling"
            name="pooling"
            value={config.pooling}
            options={[
              { value: 'mean', label: 'mean' },
              { value: 'first', label: 'first token' },
            ]}
            onChange={(v) => setConfigValue('pooling', v)}
          />
        )}
      </div>
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
