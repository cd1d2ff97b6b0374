/**
 * A finished run as the runs table and IndexedDB keep it, and its report.json — the same shape as the CLI's
 * `distill train` report: { tool, started_at, wall_seconds, data, config, backend, student, history, evals,
 * initial_metrics, final_metrics }, plus the page's own fields (name, status, student_ms_per_example).
 */
import type { DistillConfig } from '../engine/config/config.ts';
import type { BackendChoice } from '../engine/backend.ts';
import type { EvalMetrics, EvalRecord, StepRecord } from '../engine/trainer_types.ts';
import { mergeConfig } from '../engine/config/merge.ts';
import { LOSS_NAMES } from '../engine/losses/names.ts';
import type { SetSummary } from '../worker/protocol.ts';
import type { Recovery } from './checkpoint_record.ts';

/** The report's `data` block: the file name and its inspect summary (io's InspectSummary keys). */
export interface RunDataset {
  file: string;
  task: SetSummary['task'];
  n: number;
  seq_len: number;
  vocab_size: number;
  num_classes: number | null;
  teacher: 'dense' | 'topk';
  k: number | null;
  has_labels: boolean;
  has_hidden: boolean;
  hidden_size: number | null;
  has_logsumexp: boolean;
  langs: string[] | null;
  teacher_name: string | null;
  teacher_params: number | null;
}

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
  status: 'done' | 'stopped' | 'error';
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
  /** Backend changes after a lost device or a crashed worker (the run resumed from a checkpoint). */
  recoveries?: Recovery[];
}

/** The exported run report (report.json). */
export interface RunReport {
  tool: 'distill-playground';
  started_at: string;
  wall_seconds: number | null;
  data: RunDataset | null;
  config: DistillConfig;
  backend: BackendChoice | null;
  student: { num_parameters: number | null } & Record<string, unknown>;
  history: StepRecord[];
  evals: EvalRecord[];
  initial_metrics: EvalMetrics | null;
  final_metrics: EvalMetrics | null;
  name: string;
  status: RunRecord['status'];
  student_ms_per_example: number | null;
  /** Present when the run moved backends after a fault. */
  recoveries?: Recovery[];
}

export function datasetOf(summary: SetSummary): RunDataset {
  return {
    file: summary.fileName,
    task: summary.task,
    n: summary.examples,
    seq_len: summary.seqLen,
    vocab_size: summary.vocabSize,
    num_classes: summary.numClasses ?? null,
    teacher: summary.teacherKind,
    k: summary.topk ?? null,
    has_labels: summary.hasLabels,
    has_hidden: summary.hiddenSize !== undefined,
    hidden_size: summary.hiddenSize ?? null,
    has_logsumexp: summary.hasLogsumexp,
    langs: summary.langs ? Object.keys(summary.langs).sort() : null,
    teacher_name: summary.teacherName ?? null,
    teacher_params: summary.teacherParams ?? null,
  };
}

export function reportOf(run: RunRecord): RunReport {
  return {
    tool: 'distill-playground',
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
    ...(run.recoveries?.length ? { recoveries: run.recoveries } : {}),
  };
}

const CSV_COLUMNS = ['step', 'total', ...LOSS_NAMES, 'lr', 'grad_norm', 'ms_per_step', 'tokens_per_s'] as const;

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

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function datasetFrom(d: Record<string, unknown>): RunDataset {
  const task = d.task === 'clm' || d.task === 'classification' ? d.task : 'mlm';
  return {
    file: str(d.file) ?? 'unknown',
    task,
    n: num(d.n) ?? 0,
    seq_len: num(d.seq_len) ?? 0,
    vocab_size: num(d.vocab_size) ?? 0,
    num_classes: num(d.num_classes),
    teacher: d.teacher === 'dense' ? 'dense' : 'topk',
    k: num(d.k),
    has_labels: d.has_labels === true,
    has_hidden: d.has_hidden === true,
    hidden_size: num(d.hidden_size),
    has_logsumexp: d.has_logsumexp === true,
    langs: Array.isArray(d.langs) && d.langs.every((l) => typeof l === 'string') ? d.langs : null,
    teacher_name: str(d.teacher_name),
    teacher_params: num(d.teacher_params),
  };
}

/**
 * Reads a report.json (the page's or the CLI's) back into a run record; throws a specific message for
 * anything that is not one. The config goes through mergeConfig, so unknown keys and bad values are refused.
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
  const finalRaw = raw.final_metrics ?? raw.final;
  const startedAt = typeof raw.started_at === 'string' ? Date.parse(raw.started_at) : NaN;
  const student = isRecord(raw.student) ? raw.student : null;
  const { num_parameters: params, ...studentConfig } = student ?? {};
  return {
    id,
    name: str(raw.name) ?? fileName.replace(/\.json$/i, ''),
    createdAt: Number.isFinite(startedAt) ? startedAt : Date.now(),
    wallSeconds: num(raw.wall_seconds),
    config: { ...config },
    backend: isBackend(raw.backend) ? raw.backend : null,
    dataset: isRecord(raw.data) ? datasetFrom(raw.data) : null,
    paramCount: num(params),
    studentConfig: student ? studentConfig : null,
    status: raw.status === 'stopped' || raw.status === 'error' ? raw.status : 'done',
    history: raw.history,
    evals,
    initial: isEvalMetrics(raw.initial_metrics) ? raw.initial_metrics : null,
    final: isEvalMetrics(finalRaw) ? finalRaw : (evals.at(-1)?.metrics ?? null),
    studentMsPerExample: num(raw.student_ms_per_example),
    hasWeights: false,
    imported: true,
  };
}
