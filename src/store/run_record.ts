/**
 * A finished run as the runs table and IndexedDB keep it, and its report.json form (the CLI's shape:
 * { config, backend, history, evals, final } plus what the page knows about the data and the student).
 */
import type { DistillConfig } from '../engine/config/config.ts';
import type { BackendChoice } from '../engine/backend.ts';
import type { EvalMetrics, EvalRecord, StepRecord } from '../engine/trainer_types.ts';
import { mergeConfig } from '../engine/config/merge.ts';
import type { SetSummary } from '../worker/protocol.ts';

export interface RunDataset {
  fileName: string;
  task: SetSummary['task'];
  examples: number;
  seqLen: number;
  vocabSize: number;
  numClasses?: number;
  teacherName?: string;
  teacherParams?: number;
}

export interface RunRecord {
  id: string;
  name: string;
  /** ms since the epoch. */
  createdAt: number;
  config: DistillConfig;
  backend: BackendChoice | null;
  dataset: RunDataset | null;
  paramCount: number | null;
  status: 'done' | 'stopped' | 'error';
  history: StepRecord[];
  evals: EvalRecord[];
  /** Metrics of the last evaluation. */
  final: EvalMetrics | null;
  studentMsPerExample: number | null;
  /** Student weights are stored beside the record (IndexedDB `weights`). */
  hasWeights: boolean;
  /** Came from an imported report.json rather than a run in this page. */
  imported: boolean;
}

/** The exported run report (report.json). */
export interface RunReport {
  config: DistillConfig;
  backend: BackendChoice | null;
  history: StepRecord[];
  evals: EvalRecord[];
  final: EvalMetrics | null;
  name?: string;
  created_at?: string;
  param_count?: number | null;
  student_ms_per_example?: number | null;
  dataset?: RunDataset | null;
  status?: RunRecord['status'];
}

export function datasetOf(summary: SetSummary): RunDataset {
  return {
    fileName: summary.fileName,
    task: summary.task,
    examples: summary.examples,
    seqLen: summary.seqLen,
    vocabSize: summary.vocabSize,
    numClasses: summary.numClasses,
    teacherName: summary.teacherName,
    teacherParams: summary.teacherParams,
  };
}

export function reportOf(run: RunRecord): RunReport {
  return {
    config: run.config,
    backend: run.backend,
    history: run.history,
    evals: run.evals,
    final: run.final,
    name: run.name,
    created_at: new Date(run.createdAt).toISOString(),
    param_count: run.paramCount,
    student_ms_per_example: run.studentMsPerExample,
    dataset: run.dataset,
    status: run.status,
  };
}

const CSV_COLUMNS = ['step', 'total', 'kd', 'hard', 'cos', 'mse', 'lr', 'grad_norm', 'ms_per_step', 'tokens_per_s'] as const;

/** The step history as CSV, one row per step; absent loss components are empty cells. */
export function historyCsv(history: readonly StepRecord[]): string {
  const rows = history.map((r) => CSV_COLUMNS.map((c) => (r[c] === undefined ? '' : String(r[c]))).join(','));
  return [CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStepRecord(v: unknown): v is StepRecord {
  return isRecord(v) && typeof v.step === 'number' && typeof v.total === 'number';
}

function isEvalMetrics(v: unknown): v is EvalMetrics {
  return isRecord(v) && typeof v.label_loyalty === 'number' && typeof v.prob_loyalty === 'number';
}

function isEvalRecord(v: unknown): v is EvalRecord {
  return isRecord(v) && typeof v.step === 'number' && isEvalMetrics(v.metrics);
}

function isBackend(v: unknown): v is BackendChoice {
  return isRecord(v) && typeof v.name === 'string' && typeof v.reason === 'string';
}

/**
 * Reads a report.json back into a run record; throws a specific message for anything that is not one.
 * The config goes through mergeConfig, so unknown keys and invalid values are refused.
 */
export function parseReport(text: string, fileName: string, id: string): RunRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${fileName} is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isRecord(raw)) throw new Error(`${fileName}: a run report is a JSON object`);
  if (!isRecord(raw.config)) throw new Error(`${fileName}: the report has no "config" object`);
  const config = mergeConfig(raw.config);
  if (!Array.isArray(raw.history) || !raw.history.every(isStepRecord)) {
    throw new Error(`${fileName}: "history" must be a list of step records ({ step, total, … })`);
  }
  const evals = raw.evals ?? [];
  if (!Array.isArray(evals) || !evals.every(isEvalRecord)) {
    throw new Error(`${fileName}: "evals" must be a list of { step, metrics } records`);
  }
  const finalRaw = raw.final ?? raw.final_metrics ?? null;
  const final: EvalMetrics | null = isEvalMetrics(finalRaw) ? finalRaw : (evals.at(-1)?.metrics ?? null);
  const createdAt = typeof raw.created_at === 'string' ? Date.parse(raw.created_at) : NaN;
  const status = raw.status === 'stopped' || raw.status === 'error' ? raw.status : 'done';
  return {
    id,
    name: typeof raw.name === 'string' ? raw.name : fileName.replace(/\.json$/i, ''),
    createdAt: Number.isFinite(createdAt) ? createdAt : Date.now(),
    config: { ...config },
    backend: isBackend(raw.backend) ? raw.backend : null,
    dataset: isRecord(raw.dataset) && typeof raw.dataset.fileName === 'string' ? datasetFrom(raw.dataset) : null,
    paramCount: typeof raw.param_count === 'number' ? raw.param_count : null,
    status,
    history: raw.history,
    evals,
    final,
    studentMsPerExample: typeof raw.student_ms_per_example === 'number' ? raw.student_ms_per_example : null,
    hasWeights: false,
    imported: true,
  };
}

function datasetFrom(d: Record<string, unknown>): RunDataset {
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  const opt = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const task = d.task === 'clm' || d.task === 'classification' ? d.task : 'mlm';
  return {
    fileName: String(d.fileName),
    task,
    examples: num(d.examples),
    seqLen: num(d.seqLen),
    vocabSize: num(d.vocabSize),
    numClasses: opt(d.numClasses),
    teacherName: typeof d.teacherName === 'string' ? d.teacherName : undefined,
    teacherParams: opt(d.teacherParams),
  };
}
