/**
 * The results of a sweep as files: `sweep.json` ({"rows": [{name, config, final_metrics, baseline, …}]}) and
 * `sweep.csv` (one row per run: name, the grid keys, the baseline flag, the final metrics). Pure: rows in,
 * text out — the CLI writes them to disk, the page offers them as downloads.
 */
import type { DistillConfig } from '../engine/config/config.ts';
import type { EvalMetrics } from '../engine/trainer_types.ts';
import { toCsv, type CsvField } from './csv.ts';

/** One finished (or failed) run of a sweep. */
export interface SweepRow {
  name: string;
  /** The run's resolved config, as in its report.json. */
  config: Readonly<DistillConfig>;
  /** Held-out metrics after the last step; null when the run failed. */
  final_metrics: EvalMetrics | null;
  /** The automatic hard-label baseline row. */
  baseline: boolean;
  /** This row's grid values (empty for the baseline). */
  grid: Readonly<Record<string, number | string | boolean>>;
  /** The run's directory, relative to the sweep's. */
  dir: string;
  wall_seconds: number | null;
  initial_metrics?: EvalMetrics | null;
  /** Why the run failed (one line); absent for a finished run. */
  error?: string;
}

export interface SweepFile {
  tool: 'distill-playground';
  started_at: string;
  /** The swept values per key, in the order given. */
  grid: Readonly<Record<string, readonly (number | string | boolean)[]>>;
  rows: SweepRow[];
  [field: string]: unknown;
}

export function sweepJson(file: SweepFile): string {
  return JSON.stringify(file, null, 2) + '\n';
}

/**
 * Scalar columns of the metrics, in first-seen order across rows: every number (or null) field, and each
 * held-out loss component as `loss_<name>`; per-language breakdowns stay in the JSON.
 */
function metricColumns(rows: readonly SweepRow[]): { name: string; get: (m: EvalMetrics) => CsvField }[] {
  const columns = new Map<string, (m: EvalMetrics) => CsvField>();
  for (const { final_metrics: m } of rows) {
    for (const [key, value] of Object.entries(m ?? {})) {
      if (typeof value === 'number' || value === null) {
        columns.set(key, (row) => (row as unknown as Record<string, CsvField>)[key] ?? null);
      } else if (key === 'loss' && value) {
        for (const part of Object.keys(value)) columns.set(`loss_${part}`, (row) => (row.loss as Record<string, number> | undefined)?.[part] ?? null);
      }
    }
  }
  return [...columns].map(([name, get]) => ({ name, get }));
}

/**
 * sweep.csv: name, the grid keys (each row's own config value, so the baseline shows what it ran with), the
 * baseline flag, the final metrics, wall seconds and the directory; an `error` column when a row failed.
 */
export function sweepCsv(rows: readonly SweepRow[], gridKeys: readonly (keyof DistillConfig)[]): string {
  const metrics = metricColumns(rows);
  const failed = rows.some((r) => r.error !== undefined);
  const header = ['name', ...gridKeys, 'baseline', ...metrics.map((c) => c.name), 'wall_seconds', 'dir', ...(failed ? ['error'] : [])];
  const body = rows.map((r) => [
    r.name,
    ...gridKeys.map((k) => r.config[k]),
    r.baseline,
    ...metrics.map((c) => (r.final_metrics ? c.get(r.final_metrics) : null)),
    r.wall_seconds,
    r.dir,
    ...(failed ? [r.error ?? null] : []),
  ]);
  return toCsv(header, body);
}
