/** Compare: the teacher-vs-student table, loyalty per language, the example browser, the confusion matrix. */
import { useState } from 'react';
import type { ConfusionData } from '../../engine/training/session.ts';
import { useApp, useSession } from '../app_context.tsx';
import { SummaryTable } from './SummaryTable.tsx';
import { LangLoyaltyChart } from './LangLoyaltyChart.tsx';
import { ExampleBrowser } from './ExampleBrowser.tsx';
import { ConfusionMatrix } from './ConfusionMatrix.tsx';

const CONFUSION_MAX_EXAMPLES = 1024;

export function ComparePanel() {
  const session = useSession();
  const summary = useApp((s) => s.data.summary);
  const labelNames = useApp((s) => s.data.labelNames);
  const run = useApp((s) => s.run);
  const last = useApp((s) => s.metrics.evals.at(-1));
  const [confusion, setConfusion] = useState<ConfusionData | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const hasTrainer = run.paramCount !== null && run.status !== 'configuring' && run.status !== 'error';

  const task = async (label: string, work: () => Promise<void>) => {
    setBusy(label);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="compare" data-testid="compare-panel">
      <section className="panel">
        <div className="row spread">
          <h2>Teacher vs student</h2>
          <div className="row">
            <button type="button" disabled={!hasTrainer || busy !== null} onClick={() => void task('evaluating', () => session.evaluate())}>
              Evaluate now
            </button>
            <button type="button" disabled={!hasTrainer || busy !== null} onClick={() => void task('measuring', () => session.measureLatency())}>
              Measure student latency
            </button>
          </div>
        </div>
        {busy && <p className="muted">{busy}…</p>}
        {error && <p className="error">{error}</p>}
        <SummaryTable
          teacherName={summary?.teacherName}
          teacherParams={summary?.teacherParams}
          teacherMsPerExample={summary?.teacherMsPerExample}
          studentParams={run.paramCount}
          studentMsPerExample={run.studentMsPerExample}
          metrics={last?.metrics ?? null}
        />
      </section>
      <section className="panel">
        {summary?.langs ? (
          <LangLoyaltyChart perLang={last?.metrics.per_lang} />
        ) : (
          <>
            <h2>Loyalty per language</h2>
            <p className="hint">This set has no language tags (metadata <code>langs</code>).</p>
          </>
        )}
      </section>
      <section className="panel wide">
        <h2>Examples</h2>
        <ExampleBrowser />
      </section>
      {summary?.task === 'classification' && (
        <section className="panel wide">
          <div className="row spread">
            <h2>Confusion (teacher vs student)</h2>
            <button
              type="button"
              disabled={!hasTrainer || busy !== null}
              onClick={() => void task('counting', async () => setConfusion(await session.confusion(CONFUSION_MAX_EXAMPLES)))}
            >
              {confusion ? 'Recount' : 'Count'}
            </button>
          </div>
          {confusion ? <ConfusionMatrix confusion={confusion} labelNames={labelNames} /> : <p className="hint">Train a student, then count.</p>}
        </section>
      )}
    </div>
  );
}
