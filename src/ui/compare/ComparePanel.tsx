/**
 * Compare: the teacher-vs-student table, loyalty per language, the example browser, the confusion matrix —
 * for the current run's student, or a stored run's (its weights from IndexedDB put into the training session
 * and evaluated there: session/stored_runs.ts).
 */
import { useState } from 'react';
import type { ConfusionData } from '../../engine/training/session.ts';
import { isActive } from '../../session/run_machine.ts';
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
  const stored = useApp((s) => s.compare.stored);
  const opening = useApp((s) => s.compare.busy);
  const openError = useApp((s) => s.compare.error);
  const storedRuns = useApp((s) => s.runs.list);
  const teacherWeights = useApp((s) => s.teacherWeights);
  const teacherHere = useApp((s) => s.compare.teacherHere);
  const [confusion, setConfusion] = useState<ConfusionData | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const hasTrainer = stored !== null || (run.paramCount !== null && run.status !== 'configuring' && run.status !== 'error');
  const withWeights = storedRuns.filter((r) => r.hasWeights);

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
  const pick = (id: string) => {
    setConfusion(null);
    void task('opening', () => session.stored.compare(id));
  };

  return (
    <div className="compare" data-testid="compare-panel">
      <section className="panel wide">
        <div className="row spread">
          <label className="inline">
            student
            <select
              data-testid="compare-run"
              aria-label="student to compare"
              value={stored?.runId ?? ''}
              disabled={isActive(run.status) || opening !== null}
              onChange={(e) => pick(e.target.value)}
            >
              {/* once a stored run is open, the session holds its student: the current run is then one of the stored ones */}
              {!stored && <option value="">{run.runId ? 'the current run' : 'none yet'}</option>}
              {withWeights.map((r) => (
                <option key={r.id} value={r.id}>
                  stored: {r.name}
                </option>
              ))}
            </select>
          </label>
          <span className="hint">A stored run is evaluated here on the loaded set, with its weights from this browser.</span>
        </div>
        {(opening ?? busy) && <p className="muted">{opening ?? busy}…</p>}
        {(openError ?? error) && <p className="error">{openError ?? error}</p>}
      </section>
      <section className="panel">
        <div className="row spread">
          <h2>Teacher vs student{stored ? `: ${stored.name}` : ''}</h2>
          {!stored && (
            <div className="row">
              <button type="button" disabled={!hasTrainer || busy !== null} onClick={() => void task('evaluating', () => session.evaluate())}>
                Evaluate now
              </button>
              <button type="button" disabled={!hasTrainer || busy !== null} onClick={() => void task('measuring', () => session.measureLatency())}>
                Measure student latency
              </button>
              {teacherWeights && (
                <button
                  type="button"
                  disabled={isActive(run.status) || busy !== null}
                  title="time a network of the teacher's shape here, on this browser's backend, the way the student is timed"
                  onClick={() => void task('timing the teacher', () => session.stored.measureTeacher())}
                >
                  Measure teacher latency here
                </button>
              )}
            </div>
          )}
        </div>
        <SummaryTable
          teacherName={summary?.teacherName}
          teacherParams={summary?.teacherParams}
          teacherMsPerExample={teacherHere?.msPerExample ?? summary?.teacherMsPerExample}
          teacherMeasuredHere={teacherHere !== null}
          teacherFileMs={teacherHere ? summary?.teacherMsPerExample : undefined}
          studentParams={stored?.paramCount ?? run.paramCount}
          studentMsPerExample={stored ? stored.msPerExample : run.studentMsPerExample}
          studentBackend={stored?.backend ?? run.backend?.name}
          metrics={stored?.metrics ?? last?.metrics ?? null}
        />
      </section>
      <section className="panel">
        {summary?.langs ? (
          <LangLoyaltyChart perLang={(stored?.metrics ?? last?.metrics)?.per_lang} />
        ) : (
          <>
            <h2>Loyalty per language</h2>
            <p className="hint">This set has no language tags (metadata <code>langs</code>).</p>
          </>
        )}
      </section>
      <section className="panel wide">
        <h2>Examples</h2>
        <ExampleBrowser key={stored?.runId ?? run.runId ?? 'none'} />
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
