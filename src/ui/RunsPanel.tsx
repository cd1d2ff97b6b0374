/** Runs: every stored run, overlay several on the charts, reuse a config, delete, import a report. */
import { useRef, useState } from 'react';
import { useActions, useApp, useSession } from './app_context.tsx';
import { LossChart } from './charts/LossChart.tsx';
import { LoyaltyChart } from './charts/LoyaltyChart.tsx';
import { formatCount, formatPct } from './format.ts';

export function RunsPanel({ smoothing, logScale }: { smoothing: number; logScale: boolean }) {
  const session = useSession();
  const runs = useApp((s) => s.runs.list);
  const overlay = useApp((s) => s.runs.overlay);
  const error = useApp((s) => s.runs.error);
  const { toggleOverlay } = useActions();
  const reportInput = useRef<HTMLInputElement>(null);
  const weightsInput = useRef<HTMLInputElement>(null);
  const [importMessage, setImportMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const overlaid = runs.filter((r) => overlay.includes(r.id)).map((r) => ({ id: r.id, label: r.name, history: r.history, evals: r.evals }));

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

  return (
    <div className="runs">
      <section className="panel wide">
        <h2>Runs</h2>
        {error && <p className="error">{error}</p>}
        {runs.length === 0 ? (
          <p className="hint">Finished runs are stored in this browser (IndexedDB) and listed here.</p>
        ) : (
          <table className="table runs-table" data-testid="runs-table">
            <thead>
              <tr>
                <th title="overlay on the charts below">overlay</th>
                <th>run</th>
                <th>data</th>
                <th>steps</th>
                <th>backend</th>
                <th>student</th>
                <th>label loyalty</th>
                <th>prob loyalty</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-run-id={r.id}>
                  <td>
                    <input type="checkbox" checked={overlay.includes(r.id)} onChange={() => toggleOverlay(r.id)} aria-label={`overlay ${r.name}`} />
                  </td>
                  <td>
                    {r.name}
                    {r.imported && <span className="tag">imported</span>}
                    {r.status !== 'done' && <span className="tag">{r.status}</span>}
                    <div className="muted small-text">{new Date(r.createdAt).toLocaleString()}</div>
                  </td>
                  <td>{r.dataset ? `${r.dataset.file} (${r.dataset.task})` : '—'}</td>
                  <td className="num">{r.history.at(-1)?.step ?? 0}/{r.config.steps}</td>
                  <td>{r.backend?.name ?? '—'}</td>
                  <td className="num">{formatCount(r.paramCount)}</td>
                  <td className="num">{formatPct(r.final?.label_loyalty)}</td>
                  <td className="num">{formatPct(r.final?.prob_loyalty)}</td>
                  <td className="actions">
                    <button type="button" className="small" onClick={() => session.useRunConfig(r.id)} title="put this run's config in the form and the URL">
                      Use config
                    </button>
                    <button type="button" className="small danger" onClick={() => void session.deleteRun(r.id)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
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
      <div className="chart-grid">
        <LossChart history={[]} evals={[]} overlays={overlaid} smoothing={smoothing} logScale={logScale} title="Total train loss — overlaid runs" name="runs-loss" />
        <LoyaltyChart evals={[]} overlays={overlaid} />
      </div>
    </div>
  );
}
