/**
 * report.json, the record of one run: the one writer and reader, for `distill train` (DIR/report.json) and the
 * page (Export → report.json; Runs → Import). Both write every field:
 *
 *   { tool, started_at, wall_seconds, data, config, backend, student, history, evals, initial_metrics,
 *     final_metrics, name, status, student_ms_per_example, recoveries? }
 *
 * `data` is the set's inspect summary with its file and teacher (DatasetSummary); `student` the student's
 * config.json with `num_parameters`; `history` one StepRecord per step; `evals` every held-out evaluation, the
 * step-0 baseline first. Reading accepts reports older or smaller than that (missing fields get defaults);
 * the config is returned raw, for the caller to merge (mergeConfig refuses unknown keys and bad values).
 */
import type { BackendChoice } from '../engine/backend.ts';
import type { DistillConfig } from '../engine/config/config.ts';
import type { DatasetSummary } from '../engine/training/session.ts';
import type { EvalMetrics, EvalRecord, StepRecord } from '../engine/trainer_types.ts';

/** The run moved to another backend after a fault (shown on the page and written into report.json). */
export interface Recovery {
  /** The step the run resumed from (its last checkpoint; 0 when there was none yet). */
  step: number;
  from: string;
  to: string;
  /** What happened, in words (the lost device's or the crashed worker's message). */
  reason: string;
  /** ms since the epoch. */
  at: number;
}

export type RunStatus = 'done' | 'stopped' | 'error';

export interface RunReport {
  tool: 'distill-playground';
  /** ISO 8601. */
  started_at: string;
  wall_seconds: number | null;
  data: DatasetSummary | null;
  config: DistillConfig;
  backend: BackendChoice | null;
  student: { num_parameters: number | null } & Record<string, unknown>;
  history: StepRecord[];
  evals: EvalRecord[];
  initial_metrics: EvalMetrics | null;
  final_metrics: EvalMetrics | null;
  name: string;
  status: RunStatus;
  student_ms_per_example: number | null;
  /** Present when the run moved backends after a fault. */
  recoveries?: Recovery[];
  /** The vocabulary decision (engine/data/trim_vocab.ts TrimDecision: trimmed or not, the ids, the estimates, why). */
  vocabulary?: Readonly<Record<string, unknown>>;
}

/** The report with its keys in the written order (the object the caller passes may hold them in any order). */
export function buildReport(r: Omit<RunReport, 'tool'>): RunReport {
  return {
    tool: 'distill-playground',
    started_at: r.started_at,
    wall_seconds: r.wall_seconds,
    data: r.data,
    config: r.config,
    backend: r.backend,
    student: r.student,
    history: r.history,
    evals: r.evals,
    initial_metrics: r.initial_metrics,
    final_metrics: r.final_metrics,
    name: r.name,
    status: r.status,
    student_ms_per_example: r.student_ms_per_example,
    ...(r.recoveries?.length ? { recoveries: r.recoveries } : {}),
    ...(r.vocabulary ? { vocabulary: r.vocabulary } : {}),
  };
}

/** The report as JSON text, as both writers save it (2-space indent, final newline). */
export function reportJson(report: RunReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** A report read back: every field checked, the config still raw (see the file comment). */
export type ReadReport = Omit<RunReport, 'config' | 'name' | 'started_at' | 'tool'> & {
  config: Record<string, unknown>;
  /** null when the report has none (older or hand-made reports). */
  name: string | null;
  /** ms since the epoch, or null when the report has no valid `started_at`. */
  startedAt: number | null;
  /** The student's config.json part of `student` (without num_parameters), or null without `student`. */
  studentConfig: Record<string, unknown> | null;
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const isStepRecord = (v: unknown): v is StepRecord => isRecord(v) && typeof v.step === 'number' && typeof v.total === 'number';
const isEvalMetrics = (v: unknown): v is EvalMetrics => isRecord(v) && typeof v.label_loyalty === 'number' && typeof v.prob_loyalty === 'number';
const isEvalRecord = (v: unknown): v is EvalRecord => isRecord(v) && typeof v.step === 'number' && isEvalMetrics(v.metrics);
const isBackend = (v: unknown): v is BackendChoice => isRecord(v) && typeof v.name === 'string' && typeof v.reason === 'string';
const isRecovery = (v: unknown): v is Recovery => isRecord(v) && typeof v.step === 'number' && typeof v.from === 'string' && typeof v.to === 'string';
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strings = (v: unknown): string[] | null => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : null);

function datasetFrom(d: Record<string, unknown>): DatasetSummary {
  const keys = strings(d.metadata_keys);
  return {
    file: str(d.file) ?? 'unknown',
    task: d.task === 'clm' || d.task === 'classification' ? d.task : 'mlm',
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
    langs: strings(d.langs),
    ...(keys ? { metadata_keys: keys } : {}),
    teacher_name: str(d.teacher_name),
    teacher_params: num(d.teacher_params),
  };
}

/** Reads a report.json (the page's or the CLI's); throws a specific message for anything that is not one. */
export function readReport(text: string, fileName: string): ReadReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${fileName} is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isRecord(raw)) throw new Error(`${fileName}: a run report is a JSON object`);
  if (!isRecord(raw.config)) throw new Error(`${fileName}: the report has no "config" object`);
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
  const recoveries = Array.isArray(raw.recoveries) ? raw.recoveries.filter(isRecovery) : [];
  return {
    config: raw.config,
    name: str(raw.name),
    startedAt: Number.isFinite(startedAt) ? startedAt : null,
    wall_seconds: num(raw.wall_seconds),
    data: isRecord(raw.data) ? datasetFrom(raw.data) : null,
    backend: isBackend(raw.backend) ? raw.backend : null,
    student: { ...studentConfig, num_parameters: num(params) },
    studentConfig: student ? studentConfig : null,
    history: raw.history,
    evals,
    initial_metrics: isEvalMetrics(raw.initial_metrics) ? raw.initial_metrics : null,
    final_metrics: isEvalMetrics(finalRaw) ? finalRaw : (evals.at(-1)?.metrics ?? null),
    status: raw.status === 'stopped' || raw.status === 'error' ? raw.status : 'done',
    student_ms_per_example: num(raw.student_ms_per_example),
    ...(recoveries.length > 0 ? { recoveries } : {}),
  };
}
