/**
 * The grid of a sweep: keys from the config schema with their values typed as `1, 2, 4`, each axis checked
 * as it is typed by the CLI's own parser (engine/sweep/grid.ts parseGridSpec, on top of the form's config),
 * with its message beside it; the hard-label baseline on by default; the plan in words before it runs.
 */
import { useId, useState } from 'react';
import { CONFIG_KEYS, type ConfigKey } from '../../engine/config/config.ts';
import { fieldOf } from '../../engine/config/schema.ts';
import { describeBounds } from '../../engine/config/validate.ts';
import { longRunWarning } from '../../engine/backend_rule.ts';
import { BASELINE_PRESET, parseGridSpec, planSweep, type GridAxis } from '../../engine/sweep/grid.ts';
import { configBlocked } from '../../store/config_slice.ts';
import { isActive } from '../../session/run_machine.ts';
import { useApp, useSession } from '../app_context.tsx';

/** Keys a grid can vary (the backend is chosen once per sweep, as `distill sweep` does). */
const SWEEPABLE = CONFIG_KEYS.filter((k) => k !== 'backend');

interface AxisDraft {
  id: number;
  key: ConfigKey;
  text: string;
}

function placeholderOf(key: ConfigKey): string {
  const f = fieldOf(key);
  if (f.kind === 'choice') return f.values.map(String).join(', ');
  return `e.g. 1, 2, 4 (${describeBounds(f)})`;
}

export function SweepForm() {
  const session = useSession();
  const base = useApp((s) => s.config.values);
  const formBlocked = useApp((s) => configBlocked(s.config));
  const dataReady = useApp((s) => s.data.status === 'loaded');
  const running = useApp((s) => isActive(s.run.status));
  const sweeping = useApp((s) => s.sweep.current?.status === 'running');
  const calibrated = useApp((s) => s.run.backend?.calibration?.find((c) => c.name === s.run.backend?.name));
  const [axes, setAxes] = useState<AxisDraft[]>([{ id: 1, key: 'temperature', text: '' }]);
  const [baseline, setBaseline] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const formId = useId();

  const parsed = axes.map((a) => {
    if (a.text.trim() === '') return { axis: null, problem: 'type the values, separated by commas' };
    try {
      return { axis: parseGridSpec(`${a.key}=${a.text}`, base), problem: null };
    } catch (err) {
      return { axis: null, problem: err instanceof Error ? err.message : String(err) };
    }
  });
  const valid = parsed.every((p) => p.axis !== null);
  let plan: { rows: number; steps: number } | null = null;
  let planProblem: string | null = null;
  if (valid) {
    try {
      const rows = planSweep(base, parsed.map((p) => p.axis).filter((a): a is GridAxis => a !== null), { baseline });
      plan = { rows: rows.length, steps: rows.reduce((sum, r) => sum + r.config.steps, 0) };
    } catch (err) {
      planProblem = err instanceof Error ? err.message : String(err);
    }
  }
  const why = !dataReady ? 'load a data set first' : running ? 'a run is training: stop it first' : sweeping ? 'a sweep is running' : formBlocked ? `the form is invalid: ${formBlocked}` : (planProblem ?? (valid ? null : 'fix the values above'));
  const warning = plan && calibrated?.ms_per_step ? longRunWarning(calibrated.ms_per_step, plan.steps, calibrated.name, 'sweep') : null;

  const update = (id: number, patch: Partial<AxisDraft>) => setAxes((list) => list.map((a) => (a.id === id ? { ...a, ...patch } : a)));
  const run = async () => {
    setError(null);
    try {
      await session.sweeps.start(parsed.map((p) => p.axis).filter((a): a is GridAxis => a !== null), { baseline });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section className="panel" aria-labelledby={`${formId}-title`} data-testid="sweep-form">
      <h2 id={`${formId}-title`}>Sweep</h2>
      <p className="hint">Every combination of the values below, trained one after the other on top of the form&apos;s config, on one backend.</p>
      {axes.map((a, i) => (
        <div key={a.id} className="sweep-axis">
          <label className="field">
            <span className="field-label">key {i + 1}</span>
            <select aria-label={`sweep key ${i + 1}`} value={a.key} onChange={(e) => update(a.id, { key: e.target.value as ConfigKey })}>
              {SWEEPABLE.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <label className={`field sweep-values${parsed[i].problem && a.text ? ' field-invalid' : ''}`}>
            <span className="field-label">values</span>
            <input
              type="text"
              aria-label={`values of ${a.key}`}
              aria-invalid={parsed[i].problem !== null && a.text !== ''}
              aria-describedby={`${formId}-axis-${a.id}`}
              placeholder={placeholderOf(a.key)}
              value={a.text}
              onChange={(e) => update(a.id, { text: e.target.value })}
            />
          </label>
          <button type="button" className="small" aria-label={`remove key ${a.key}`} disabled={axes.length === 1} onClick={() => setAxes((list) => list.filter((x) => x.id !== a.id))}>
            Remove
          </button>
          <p id={`${formId}-axis-${a.id}`} className={parsed[i].problem && a.text ? 'field-message' : 'field-hint'}>
            {parsed[i].axis ? `${parsed[i].axis?.values.length} values` : parsed[i].problem}
          </p>
        </div>
      ))}
      <div className="row">
        <button type="button" className="small" onClick={() => setAxes((list) => [...list, { id: Math.max(...list.map((x) => x.id)) + 1, key: 'alpha_kd', text: '' }])}>
          Add a key
        </button>
        <label className="inline">
          <input type="checkbox" checked={baseline} onChange={(e) => setBaseline(e.target.checked)} />
          <span>
            hard-label baseline (the <code>{BASELINE_PRESET}</code> preset, same student and steps)
          </span>
        </label>
      </div>
      <p className="hint" data-testid="sweep-plan">
        {plan ? `${plan.rows} runs (${plan.rows - (baseline ? 1 : 0)} combinations${baseline ? ' + baseline' : ''}), ${plan.steps} steps in all` : 'no plan yet'}
      </p>
      {warning && <p className="notice">{warning}</p>}
      <button type="button" className="primary" disabled={why !== null} title={why ?? undefined} onClick={() => void run()}>
        Run sweep
      </button>
      {why && <span className="hint"> {why}</span>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
