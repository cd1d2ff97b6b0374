/**
 * Runs: every stored run; overlay the ticked ones on one chart of any metric (held-out KL, a loss component
 * unweighted, loyalty overall, on masked positions or per language — the weighted total is not comparable
 * across recipes), the keys where their configs differ, edit / compare / reuse / delete, import a report.
 */
import { useMemo, useRef, useState } from 'react';
import { useApp, useSession } from './app_context.tsx';
import { RunMetricChart } from './charts/RunMetricChart.tsx';
import { ConfigDiff } from './runs/ConfigDiff.tsx';
import { RunsTable } from './runs/RunsTable.tsx';
import { RUN_METRICS, runMetricsFor } from './runs/run_metrics.ts';

export function RunsPanel({ smoothing, onCompare }: { smoothing: number; logScale?: boolean; onCompare?: () => void }) {
  const session = useSession();
  const runs = useApp((s) => s.runs.list);
  const overlay = useApp((s) => s.runs.overlay);
  const error = useApp((s) => s.runs.error);
  const reportInput = useRef<HTMLInputElement>(null);
  const weightsInput = useRef<HTMLInputElement>(null);
  const [importMessage, setImportMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [metricId, setMetricId] = useState('kl');
  const [compareError, setCompareError] = useState<string | null>(null);
  const selected = useMemo(() => runs.filter((r) => overlay.includes(r.id)), [runs, overlay]);
  const overlaid = useMemo(() => selected.map((r) => ({ id: r.id, label: r.name, history: r.history, evals: r.evals })), [selected]);
  const metrics = runMetricsFor(overlaid.length > 0 ? overlaid : runs);
  const metric = metrics.find((m) => m.id === metricId) ?? metrics[0] ?? RUN_METRICS[0];

  const doImport = async () => {
    const report = reportInput.current?.files?.[0];
    const weights = weightsInput.current?.files?.[0];
    if (!report) {
      setImportMessage({ ok: false, text: 'choose a report.json first' });
      return;
    }
    try {
      const run = await session.importRun(report, report.name, weights ? { safetensors: weights } : undefined);
      setImportMessage({ ok: true, text: `imported “${run.name}”${run.hasWeights ? ' with weights' : ''}` });
      if (reportInput.current) reportInput.current.value = '';
      if (weightsInput.current) weightsInput.current.value = '';
    } catch (err) {
      setImportMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  const compare = (id: string) => {
    setCompareError(null);
    onCompare?.();
    session.stored.compare(id).catch((err: unknown) => setCompareError(err instanceof Error ? err.message : String(err)));
  };

  return (
    <div className="runs">
      <section className="panel wide" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        {error && <p className="error">{error}</p>}
        {compareError && <p className="error">{compareError}</p>}
        {runs.length === 0 ? <p className="hint">Finished runs are stored in this browser (IndexedDB) and listed here.</p> : <RunsTable runs={runs} onCompare={compare} />}
        <div className="import">
          <h3>Import a run</h3>
          <div className="row">
            <label className="inline">
              report.json <input ref={reportInput} type="file" accept=".json,application/json" data-testid="import-report" />
            </label>
            <label className="inline">
              weights (optional) <input ref={weightsInput} type="file" accept=".safetensors" data-testid="import-weights" />
            </label>
            <button type="button" onClick={() => void doImport()}>
              Import
            </button>
          </div>
          {importMessage && (
            <p className={importMessage.ok ? 'ok' : 'error'} role="status" data-testid="import-message">
              {importMessage.text}
            </p>
          )}
        </div>
      </section>
      <section className="panel wide" aria-labelledby="runs-compare-title">
        <div className="row spread">
          <h2 id="runs-compare-title">Compare the ticked runs</h2>
          <label className="inline">
            metric
            <select value={metric.id} onChange={(e) => setMetricId(e.target.value)} data-testid="runs-metric" aria-label="metric to overlay">
              {metrics.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <RunMetricChart runs={overlaid} metric={metric} smoothing={smoothing} />
        <ConfigDiff runs={selected} />
      </section>
    </div>
  );
}
