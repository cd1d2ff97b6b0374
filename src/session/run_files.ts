/**
 * A stored run's exports, as files ready to download: the student as a Hugging Face model directory (one
 * .zip: config.json, model.safetensors, the tokenizer, AdamW state and cosine projection when stored, and
 * report.json), or model.safetensors / config.json alone, or the tfjs layout model.json + weights.bin built
 * from them (io/tfjs_weights.ts); report.json (io/report.ts) and the step history as CSV.
 */
import { LOSS_NAMES } from '../engine/losses/names.ts';
import type { StepRecord } from '../engine/trainer_types.ts';
import { reportJson } from '../io/report.ts';
import { STUDENT_CONFIG, STUDENT_WEIGHTS } from '../io/student_files.ts';
import { TFJS_WEIGHTS_FILE, tfjsFilesFromSafetensors } from '../io/tfjs_weights.ts';
import { reportOf, type RunRecord } from '../store/run_record.ts';
import { zipBlob } from '../io/zip_write.ts';
import type { StoredWeights } from './run_archive.ts';

export type RunFileKind = 'directory' | 'student' | 'config' | 'tfjs' | 'report' | 'history';

export interface DownloadFile {
  name: string;
  data: string | Uint8Array | Blob;
  /** MIME type. */
  type: string;
}

const CSV_COLUMNS = ['step', 'total', ...LOSS_NAMES, 'lr', 'grad_norm', 'ms_per_step', 'tokens_per_s'] as const;

/** The step history as CSV, one row per step; absent loss components are empty cells. */
export function historyCsv(history: readonly StepRecord[]): string {
  const rows = history.map((r) => CSV_COLUMNS.map((c) => (r[c] === undefined ? '' : String(r[c]))).join(','));
  return [CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}

/** The run's name as a file-name stem (e.g. "kd_seed_0_12_00_01_ab12"). */
export function fileStem(run: RunRecord): string {
  return run.name.replace(/[^\w.-]+/g, '_').replace(/_+/g, '_').slice(0, 60);
}

/** The files of one export of `run`; the student's need its stored weights (`weights` reads them). */
export async function runFiles(run: RunRecord, kind: RunFileKind, weights: () => Promise<StoredWeights | null>): Promise<DownloadFile[]> {
  if (kind === 'report') return [{ name: `${fileStem(run)}.report.json`, data: reportJson(reportOf(run)), type: 'application/json' }];
  if (kind === 'history') return [{ name: `${fileStem(run)}.history.csv`, data: historyCsv(run.history), type: 'text/csv' }];
  const w = await weights();
  if (!w) throw new Error('this run has no stored weights');
  if (kind === 'directory') {
    const text = new TextEncoder();
    const files = [
      { name: STUDENT_CONFIG, bytes: text.encode(w.configJson) },
      { name: STUDENT_WEIGHTS, bytes: w.safetensors },
      ...(w.extra ?? []),
      { name: 'report.json', bytes: text.encode(reportJson(reportOf(run))) },
    ];
    return [{ name: `${fileStem(run)}.zip`, data: zipBlob(files), type: 'application/zip' }];
  }
  if (kind === 'student') return [{ name: STUDENT_WEIGHTS, data: w.safetensors, type: 'application/octet-stream' }];
  if (kind === 'config') return [{ name: STUDENT_CONFIG, data: w.configJson, type: 'application/json' }];
  const tfjs = await tfjsFilesFromSafetensors(w.safetensors, w.configJson);
  return [
    { name: 'model.json', data: tfjs.modelJson, type: 'application/json' },
    { name: TFJS_WEIGHTS_FILE, data: tfjs.weights, type: 'application/octet-stream' },
  ];
}
