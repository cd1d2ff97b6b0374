/** The Sweep tab: the grid form, and the current (or interrupted) sweep's results. */
import { useApp } from '../app_context.tsx';
import { SweepForm } from './SweepForm.tsx';
import { SweepResults } from './SweepResults.tsx';

export function SweepPanel() {
  const sweep = useApp((s) => s.sweep.current);
  return (
    <div className="sweep" data-testid="sweep-panel">
      <SweepForm />
      {sweep ? (
        <SweepResults sweep={sweep} />
      ) : (
        <section className="panel">
          <h2>Results</h2>
          <p className="hint">
            Each run of a sweep is stored like any other (Runs tab); the table and the plot here compare their final held-out metrics. A
            sweep goes on after a reload: its current run&apos;s checkpoint is offered, then Continue.
          </p>
        </section>
      )}
    </div>
  );
}
