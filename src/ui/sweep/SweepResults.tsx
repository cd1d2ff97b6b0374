/**
 * A sweep's results: its progress, a sortable table (the grid keys, each row's status, the final metrics),
 * the best row by the chosen metric highlighted, the parallel-coordinates plot coloured by that metric, and
 * sweep.json / sweep.csv in `distill sweep`'s format. An interrupted or stopped sweep offers Continue.
 */
import { useMemo, useState } from 'react';
import { longRunWarning } from '../../engine/backend_rule.ts';
import type { SweepRecord } from '../../store/sweep_slice.ts';
import { useApp, useSession } from '../app_context.tsx';
import { ParallelCoordsChart } from '../charts/ParallelCoordsChart.tsx';
import { downloadText } from '../export/download.ts';
import { formatDuration, formatNumber, formatPct } from '../format.ts';
import { bestRow, metricValue, sortRows, sweepFiles, sweepMetrics, sweepTableRows, type SortKey } from './sweep_view.ts';

const STATUS_TEXT = { running: 'running', interrupted: 'interrupted (the page was reloaded)', stopped: 'stopped', done: 'done' } as const;

export function SweepResults({ sweep }: { sweep: SweepRecord }) {
  const session = useSession();
  const runs = useApp((s) => s.runs.list);
  const error = useApp((s) => s.sweep.error);
  const runStep = useApp((s) => s.run.step);
  const [sort, setSort] = useState<SortKey>({ column: 'name', descending: false });
  const [colourBy, setColourBy] = useState('label_loyalty');
  const [actionError, setActionError] = useState<string | null>(null);
  const rows = useMemo(() => sweepTableRows(sweep, runs), [sweep, runs]);
  const metrics = sweepMetrics(rows);
  const metric = metrics.find((m) => m.id === colourBy) ?? metrics[0];
  // the table's columns: the loyalties, accuracy and KL (every metric stays in the colour picker and the files)
  const columns = metrics.filter((m) => m.scale === 'share' || m.id === 'kl');
  const best = metric ? bestRow(rows, metric) : null;
  const keys = Object.keys(sweep.grid);
  const sorted = sortRows(rows, sort, metrics);
  const done = sweep.rows.filter((r) => r.status === 'done' || r.status === 'error').length;
  const remainingSteps = sweep.rows.filter((r) => r.status === 'pending' || r.status === 'running').reduce((sum, r) => sum + r.config.steps, 0) - (sweep.status === 'running' ? runStep : 0);
  const chosen = sweep.backend?.calibration?.find((c) => c.name === sweep.backend?.name)?.ms_per_step;
  const warning = chosen && sweep.status === 'running' ? longRunWarning(chosen, remainingSteps, sweep.backend?.name ?? '', 'sweep') : null;

  const act = (work: () => Promise<void>) => () => {
    setActionError(null);
    work().catch((err: unknown) => setActionError(err instanceof Error ? err.message : String(err)));
  };
  const exportAs = (kind: 'json' | 'csv') => {
    const files = sweepFiles(sweep, runs);
    if (kind === 'json') downloadText(files.json, 'sweep.json');
    else downloadText(files.csv, 'sweep.csv', 'text/csv');
  };
  const header = (column: string, label: string) => (
    <th key={column} scope="col" aria-sort={sort.column === column ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="sort" onClick={() => setSort({ column, descending: sort.column === column ? !sort.descending : column !== 'name' && !keys.includes(column) })}>
        {label}
        {sort.column === column ? (sort.descending ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );

  return (
    <section className="panel wide" aria-labelledby="sweep-results-title" data-testid="sweep-results" data-status={sweep.status}>
      <div className="row spread">
        <h2 id="sweep-results-title">Sweep results</h2>
        <span role="status" data-testid="sweep-status">
          {STATUS_TEXT[sweep.status]} · {done} / {sweep.rows.length} runs{sweep.backend ? ` · on ${sweep.backend.name}` : ''}
        </span>
      </div>
      {warning && <p className="notice">{warning}</p>}
      {(sweep.status === 'interrupted' || sweep.status === 'stopped') && (
        <div className="row">
          <button type="button" className="primary" onClick={act(() => session.sweeps.continue())}>
            Continue the sweep
          </button>
          <button type="button" onClick={act(() => session.sweeps.discard())}>
            Discard it
          </button>
          <span className="hint">Its finished runs stay in the Runs tab either way.</span>
        </div>
      )}
      {(error || actionError) && <p className="error">{actionError ?? error}</p>}
      <div className="row">
        <label className="inline">
          colour and best by
          <select value={metric?.id ?? ''} onChange={(e) => setColourBy(e.target.value)} aria-label="metric for the colours and the best row">
            {metrics.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="small" onClick={() => exportAs('csv')}>
          sweep.csv
        </button>
        <button type="button" className="small" onClick={() => exportAs('json')}>
          sweep.json
        </button>
        {best && metric && (
          <span className="hint" data-testid="sweep-best">
            best by {metric.label}: <strong>{best.name}</strong>
          </span>
        )}
      </div>
      <div className="table-scroll">
        <table className="table sweep-table" data-testid="sweep-table">
          <thead>
            <tr>
              {header('name', 'run')}
              {keys.map((k) => header(k, k))}
              <th scope="col">status</th>
              {columns.map((m) => header(m.id, m.label.replace(' (held-out)', '')))}
              <th scope="col">wall time</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.name} className={best?.name === r.name ? 'row-best' : undefined} data-row={r.name} data-baseline={r.baseline ? 'true' : undefined}>
                <th scope="row">
                  {r.name}
                  {r.baseline && <span className="tag">baseline</span>}
                  {best?.name === r.name && <span className="tag tag-best">best</span>}
                </th>
                {keys.map((k) => (
                  <td key={k} className="num">
                    {String(r.values[k])}
                  </td>
                ))}
                <td title={r.error}>{r.status}</td>
                {columns.map((m) => {
                  const v = metricValue(r, m);
                  return (
                    <td key={m.id} className="num">
                      {m.scale === 'share' ? formatPct(v) : formatNumber(v)}
                    </td>
                  );
                })}
                <td className="num">{formatDuration(r.wallSeconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {metric && (
        <ParallelCoordsChart
          axes={keys.map((k) => ({ key: k, values: sweep.grid[k] }))}
          rows={rows.map((r) => ({ name: r.name, values: r.values, metric: metricValue(r, metric), best: best?.name === r.name }))}
          metricLabel={metric.label}
          higherIsBetter={metric.higherIsBetter}
        />
      )}
    </section>
  );
}
