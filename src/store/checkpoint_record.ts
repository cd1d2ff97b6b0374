/**
 * A resumable run as IndexedDB keeps it between page loads: the trainer's checkpoint (weights, AdamW moments,
 * step, seeded stream positions) with everything the page needs to show the run again and continue the same
 * curves — its config, history and evaluations up to the checkpoint's step, and which data file it needs.
 * The checkpoint's tensors are Blobs (IndexedDB keeps their bytes in the browser's blob files, off the page's
 * heap); records stored before hold Float32Arrays, and resume as well.
 *
 * One record per unfinished run (keyed by run id), overwritten at each checkpoint, deleted when the run
 * completes, is stopped, or a new run starts. The data set's bytes are stored beside it when they fit
 * STORED_SET_MAX_BYTES; a larger file must be dropped again and is checked against `set` (size and fingerprint).
 */
import type { BackendChoice } from '../engine/backend.ts';
import type { DistillConfig } from '../engine/config/config.ts';
import type { EvalRecord, StepRecord, TrainerCheckpoint } from '../engine/trainer_types.ts';
import type { Recovery } from '../io/report.ts';
import type { RunDataset } from './run_record.ts';

export type { Recovery } from '../io/report.ts';

/** Data files up to this size are kept in IndexedDB with the checkpoint (a reload then needs no file). */
export const STORED_SET_MAX_BYTES = 64 * 2 ** 20;

/** Which file a run trained on: name, size, and a fingerprint of its content (set_fingerprint.ts). */
export interface SetIdentity {
  name: string;
  bytes: number;
  fingerprint: string;
}

export interface CheckpointRecord {
  /** The run's id (the runs table key). */
  id: string;
  savedAt: number;
  step: number;
  totalSteps: number;
  startedAt: number;
  /** The config the trainer ran with (backend: the one it ran on). */
  config: DistillConfig;
  preset: string | null;
  backend: BackendChoice | null;
  paramCount: number | null;
  dataset: RunDataset | null;
  set: SetIdentity;
  /** The set's bytes are stored beside the checkpoint (IndexedDB `sets`, same id). */
  setStored: boolean;
  /** Step records and evaluations up to `step`. */
  history: StepRecord[];
  evals: EvalRecord[];
  recoveries: Recovery[];
  /** Set when the run failed after this checkpoint (e.g. a non-finite loss): the reason. */
  failed: string | null;
  checkpoint: TrainerCheckpoint;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * True when a value read back from IndexedDB has the shape of a CheckpointRecord this page can resume (an
 * older or damaged record is discarded instead of crashing the page).
 */
export function isCheckpointRecord(v: unknown): v is CheckpointRecord {
  if (!isObject(v) || typeof v.id !== 'string' || typeof v.step !== 'number' || typeof v.totalSteps !== 'number') return false;
  if (!isObject(v.config) || !isObject(v.set) || typeof v.set.bytes !== 'number' || typeof v.set.fingerprint !== 'string') return false;
  if (!Array.isArray(v.history) || !Array.isArray(v.evals) || !Array.isArray(v.recoveries)) return false;
  const cp = v.checkpoint;
  if (!isObject(cp) || cp.version !== 1 || !isObject(cp.adam) || !isObject(cp.rng)) return false;
  return [cp.params, cp.adam.m, cp.adam.v].every((list) => Array.isArray(list) && list.every(isTensor));
}

/**
 * A checkpoint tensor as stored: its values a Blob (checkpoints now) or a Float32Array (records stored before).
 * A Blob is known by its tag, which holds across realms and for the subclass a worker's wasm patch installs.
 */
function isTensor(v: unknown): boolean {
  if (!isObject(v) || typeof v.name !== 'string' || !Array.isArray(v.shape)) return false;
  return v.data instanceof Float32Array || Object.prototype.toString.call(v.data) === '[object Blob]';
}
