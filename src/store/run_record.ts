/**
 * A finished run as the runs table and IndexedDB keep it, and its mapping to and from report.json (the one
 * format, io/report.ts, which `distill train` writes too).
 */
import type { DistillConfig } from '../engine/config/config.ts';
import type { BackendChoice } from '../engine/backend.ts';
import type { DatasetSummary, SetSummary } from '../engine/training/session.ts';
import type { TrimDecision } from '../engine/data/trim_vocab.ts';
import type { EvalMetrics, EvalRecord, StepRecord } from '../engine/trainer_types.ts';
import { mergeConfig } from '../engine/config/merge.ts';
import { buildReport, readReport, type Recovery, type RunReport, type RunStatus } from '../io/report.ts';

export type { RunReport } from '../io/report.ts';

/** The report's `data` block. */
export type RunDataset = DatasetSummary;

export interface RunRecord {
  id: string;
  name: string;
  /** ms since the epoch when training started. */
  createdAt: number;
  wallSeconds: number | null;
  config: DistillConfig;
  backend: BackendChoice | null;
  dataset: RunDataset | null;
  paramCount: number | null;
  /** The student's config.json (HF keys), when known. */
  studentConfig: Record<string, unknown> | null;
  status: RunStatus;
  history: StepRecord[];
  evals: EvalRecord[];
  /** Held-out metrics before the first step (the baseline), when measured. */
  initial: EvalMetrics | null;
  /** Metrics of the last evaluation. */
  final: EvalMetrics | null;
  studentMsPerExample: number | null;
  /** Student weights are stored beside the record (IndexedDB `weights`). */
  hasWeights: boolean;
  /** Came from an imported report.json rather than a run in this page. */
  imported: boolean;
  /**
   * Written as the run ended, before its final evaluation and weights: the page was closed (or reloaded)
   * before they were saved. Absent on a completely saved run.
   */
  partial?: boolean;
  /** Backend changes after a lost device or a crashed worker (the run resumed from a checkpoint). */
  recoveries?: Recovery[];
  /** The person's tags and note (the runs table; kept in this browser, not in report.json). */
  tags?: string[];
  note?: string;
  /** The sweep this run is a row of. */
  sweep?: { id: string; row: string; baseline: boolean };
  /** The trim_vocab decision the training session took (report.json `vocabulary`, as `distill train` writes it). */
  vocabulary?: TrimDecision;
}

/** The report's `data` block of a loaded set (computed with its summary, io/summary.ts). */
export function datasetOf(summary: SetSummary): RunDataset {
  return summary.dataset;
}

export function reportOf(run: RunRecord): RunReport {
  return buildReport({
    started_at: new Date(run.createdAt).toISOString(),
    wall_seconds: run.wallSeconds,
    data: run.dataset,
    config: run.config,
    backend: run.backend,
    student: { num_parameters: run.paramCount, ...(run.studentConfig ?? {}) },
    history: run.history,
    evals: run.evals,
    initial_metrics: run.initial,
    final_metrics: run.final,
    name: run.name,
    status: run.status,
    student_ms_per_example: run.studentMsPerExample,
    recoveries: run.recoveries,
    ...(run.vocabulary ? { vocabulary: { ...run.vocabulary } } : {}),
  });
}

/**
 * Reads a report.json (the page's or the CLI's) back into a run record; throws a specific message for
 * anything that is not one. The config goes through mergeConfig, so unknown keys and bad values are refused.
 */
export function parseReport(text: string, fileName: string, id: string): RunRecord {
  const report = readReport(text, fileName);
  return {
    id,
    name: report.name ?? fileName.replace(/\.json$/i, ''),
    createdAt: report.startedAt ?? Date.now(),
    wallSeconds: report.wall_seconds,
    config: { ...mergeConfig(report.config) },
    backend: report.backend,
    dataset: report.data,
    paramCount: report.student.num_parameters,
    studentConfig: report.studentConfig,
    status: report.status,
    history: report.history,
    evals: report.evals,
    initial: report.initial_metrics,
    final: report.final_metrics,
    studentMsPerExample: report.student_ms_per_example,
    hasWeights: false,
    imported: true,
    ...(report.recoveries ? { recoveries: report.recoveries } : {}),
  };
}
