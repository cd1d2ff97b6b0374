/**
 * Recipe: presets and every loss, optimiser, evaluation, checkpoint and backend knob of the DistillConfig,
 * each field drawn from its schema row (ConfigField).
 */
import { PRESETS } from '../engine/config/presets.ts';
import { isActive } from '../session/run_machine.ts';
import { useActions, useApp } from './app_context.tsx';
import { ConfigFields } from './ConfigField.tsx';
import { BackendInfo } from './BackendInfo.tsx';

export function RecipePanel() {
  const preset = useApp((s) => s.config.preset);
  const error = useApp((s) => s.config.error);
  const locked = useApp((s) => isActive(s.run.status));
  const { applyPreset } = useActions();
  return (
    <section className="panel" aria-labelledby="recipe-title">
      <h2 id="recipe-title">Recipe</h2>
      <div className="presets" role="group" aria-label="presets">
        {Object.entries(PRESETS).map(([name, p]) => (
          <button
            key={name}
            type="button"
            className={preset === name ? 'chip chip-on' : 'chip'}
            title={p.description}
            aria-pressed={preset === name}
            disabled={locked}
            onClick={() => applyPreset(name)}
          >
            {p.label}
          </button>
        ))}
      </div>
      {locked && (
        <p className="hint" data-testid="form-locked">
          The form is locked while the run trains: it keeps the config it started with (and the link keeps naming it).
        </p>
      )}
      <h3>Losses</h3>
      <ConfigFields group="loss" />
      <h3>Optimiser</h3>
      <ConfigFields group="optim" />
      <h3>Run</h3>
      <ConfigFields group="run" />
      <h3>Backend</h3>
      <ConfigFields group="runtime" />
      <BackendInfo />
      {error && (
        <p className="error" role="alert" data-testid="config-error">
          {error.message}
        </p>
      )}
    </section>
  );
}
