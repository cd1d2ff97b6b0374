/**
 * A sweep as the Sweep tab shows it: one row per planned run with its grid values and the final metrics of
 * its stored run, sorted and with its best row (by a metric, in that metric's direction), and the same rows
 * as `distill sweep` writes them (io/sweep_table.ts: sweep.json, sweep.csv). Pure.
 */
import type { ConfigKey } from '../../engine/config/config.ts';
import type { EvalMetrics } from '../../engine/trainer_types.ts';
import { sweepCsv, sweepJson, type SweepFile, type SweepRow } from '../../io/sweep_table.ts';
import type { RunRecord } from '../../store/run_record.ts';
import type { SweepRecord, SweepRowStatus } from '../../store/sweep_slice.ts';
import { RUN_METRICS, type RunMetric } from '../runs/run_metrics.ts';

export interface SweepTableRow {
  name: string;
  baseline: boolean;
  status: SweepRowStatus | 'deleted';
  /** Each grid key's value in this row's config (the baseline shows what it ran with). */
  values: Record<string, number | string | boolean>;
  final: EvalMetrics | null;
  wallSeconds: number | null;
  runId: string | null;
  error?: string;
}

/** The metrics a sweep's final evaluations can be sorted and coloured by (those some row has). */
export function sweepMetrics(rows: readonly SweepTableRow[]): RunMetric[] {
  return RUN_METRICS.filter((m) => m.final && rows.some((r) => r.final && m.final?.(r.final) !== null && m.final?.(r.final) !== undefined));
}

export function metricValue(row: SweepTableRow, metric: RunMetric): number | null {
  return row.final && metric.final ? (metric.final(row.final) ?? null) : null;
}

export function sweepTableRows(sweep: SweepRecord, runs: readonly RunRecord[]): SweepTableRow[] {
  const keys = Object.keys(sweep.grid) as ConfigKey[];
  return sweep.rows.map((row) => {
    const run = row.runId ? runs.find((r) => r.id === row.runId) : undefined;
    const config = run?.config ?? row.config;
    return {
      name: row.name,
      baseline: row.baseline,
      status: row.runId && !run && row.status !== 'running' && row.status !== 'error' ? 'deleted' : row.status,
      values: Object.fromEntries(keys.map((k) => [k, config[k]])),
      final: run?.final ?? null,
      wallSeconds: run?.wallSeconds ?? null,
      runId: row.runId,
      ...(row.error ? { error: row.error } : {}),
    };
  });
}

/** The row with the best value of `metric` (finished rows only), or null. */
export function bestRow(rows: readonly SweepTableRow[], metric: RunMetric): SweepTableRow | null {
  let best: SweepTableRow | null = null;
  let bestValue = 0;
  for (const row of rows) {
    const v = metricValue(row, metric);
    if (v === null || !Number.isFinite(v)) continue;
    if (best === null || (metric.higherIsBetter ? v > bestValue : v < bestValue)) {
      best = row;
      bestValue = v;
    }
  }
  return best;
}

export type SortKey = { column: string; descending: boolean };

/** Rows sorted by a grid key, 'name', or a metric id; rows without a value go last. */
export function sortRows(rows: readonly SweepTableRow[], sort: SortKey, metrics: readonly RunMetric[]): SweepTableRow[] {
  const metric = metrics.find((m) => m.id === sort.column);
  const value = (r: SweepTableRow): number | string | null => {
    if (metric) return metricValue(r, metric);
    if (sort.column === 'name') return r.name;
    const v = r.values[sort.column];
    return v === undefined ? null : typeof v === 'number' ? v : String(v);
  };
  const sign = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
    return sign * (typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb)));
  });
}

/** sweep.json's rows, as `distill sweep` writes them. */
export function sweepFileRows(sweep: SweepRecord, runs: readonly RunRecord[]): SweepRow[] {
  return sweep.rows.map((row) => {
    const run = row.runId ? runs.find((r) => r.id === row.runId) : undefined;
    return {
      name: row.name,
      config: run?.config ?? row.config,
      final_metrics: run?.final ?? null,
      baseline: row.baseline,
      grid: row.grid,
      dir: row.dir,
      wall_seconds: run?.wallSeconds ?? null,
      initial_metrics: run?.initial ?? null,
      ...(row.error ? { error: row.error } : row.status !== 'done' ? { error: `not finished (${row.status})` } : {}),
    };
  });
}

/** The sweep's files: sweep.json and sweep.csv text, the CLI's format. */
export function sweepFiles(sweep: SweepRecord, runs: readonly RunRecord[]): { json: string; csv: string } {
  const rows = sweepFileRows(sweep, runs);
  const file: SweepFile = {
    tool: 'distill-playground',
    started_at: new Date(sweep.createdAt).toISOString(),
    data: sweep.dataName,
    grid: sweep.grid,
    backend: sweep.backend,
    rows,
  };
  return { json: sweepJson(file), csv: sweepCsv(rows, Object.keys(sweep.grid) as ConfigKey[]) };
}
