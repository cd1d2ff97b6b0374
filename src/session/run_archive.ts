/**
 * The run archive, in IndexedDB: `runs` holds RunRecords (small: config, history, metrics); `weights` holds each run's
 * student (safetensors bytes + config.json) under the same id, read only when exported. An unfinished run's
 * latest checkpoint lives in `checkpoints`, and the data file it trains on, when small enough, in `sets`
 * (checkpoint_record.ts), both under the run's id. `sweeps` holds each sweep's plan and row states (sweep_slice.ts):
 * an unfinished one is offered again after a reload.
 *
 * A finished run is never lost to a reload: its record (and weights) and the deletion of its checkpoint are one
 * transaction (`put(run, weights, { dropCheckpoint: true })`), so IndexedDB holds one or the other at every moment.
 */
import type { RunRecord } from '../store/run_record.ts';
import { isCheckpointRecord, type CheckpointRecord } from '../store/checkpoint_record.ts';
import type { SweepRecord } from '../store/sweep_slice.ts';

export interface StoredWeights {
  id: string;
  /** model.safetensors. */
  safetensors: Uint8Array;
  configJson: string;
  /** The model directory's other files (tokenizer, cosine projection, AdamW state); absent in older records. */
  extra?: { name: string; bytes: Uint8Array }[];
}

export interface PutOptions {
  /** The run is over: its checkpoint and stored data file go, atomically with the record's write. */
  dropCheckpoint?: boolean;
}

export interface RunArchive {
  list(): Promise<RunRecord[]>;
  /** Writes a run (and its weights); with `dropCheckpoint`, deletes its checkpoint and stored file in the same transaction. */
  put(run: RunRecord, weights?: StoredWeights, opts?: PutOptions): Promise<void>;
  getWeights(id: string): Promise<StoredWeights | null>;
  delete(id: string): Promise<void>;
  /** Writes (replaces) a run's checkpoint; with `set`, also stores the data file's bytes under the run's id. */
  putCheckpoint(record: CheckpointRecord, set?: Blob): Promise<void>;
  /** Unfinished runs' checkpoints, newest first (records of an older or damaged shape are left out). */
  listCheckpoints(): Promise<CheckpointRecord[]>;
  /** The data file stored with a run's checkpoint, or null. */
  getSet(id: string): Promise<Blob | null>;
  /** Deletes a run's checkpoint and its stored data file. */
  deleteCheckpoint(id: string): Promise<void>;
  /** Deletes every checkpoint and stored data file. */
  clearCheckpoints(): Promise<void>;
  /** Writes (replaces) a sweep's record. */
  putSweep(record: SweepRecord): Promise<void>;
  /** Every stored sweep, newest first. */
  listSweeps(): Promise<SweepRecord[]>;
  deleteSweep(id: string): Promise<void>;
  close(): void;
}

const DB_NAME = 'distill-playground';
const DB_VERSION = 3; // 2: checkpoints and sets; 3: sweeps
const RUNS = 'runs';
const WEIGHTS = 'weights';
const CHECKPOINTS = 'checkpoints';
const SETS = 'sets';
const SWEEPS = 'sweeps';
const STORES = [RUNS, WEIGHTS, CHECKPOINTS, SETS, SWEEPS];
/** What deleting a run removes (its sweep, if any, keeps its record: the row then shows the run as deleted). */
const RUN_STORES = [RUNS, WEIGHTS, CHECKPOINTS, SETS];

/**
 * Weights as they lie in the `weights` store: each file a Blob. Chromium serialises a put Uint8Array in the page's
 * own process (a copy, and another into the value's wrapping Blob when it is large); a Blob's bytes go to the
 * browser's blob store, so storing a 250k-vocabulary student (~384 MB with its AdamW state) costs the page one
 * transient copy instead of two. Records written before hold Uint8Arrays; both are read.
 */
interface WeightsRow {
  id: string;
  safetensors: Blob | Uint8Array;
  configJson: string;
  extra?: { name: string; bytes: Blob | Uint8Array }[];
}

const blobOf = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);
const bytesOf = async (b: Blob | Uint8Array) => (b instanceof Blob ? new Uint8Array(await b.arrayBuffer()) : b);

function rowOf(id: string, w: StoredWeights): WeightsRow {
  const row: WeightsRow = { id, safetensors: blobOf(w.safetensors), configJson: w.configJson };
  if (w.extra) row.extra = w.extra.map((f) => ({ name: f.name, bytes: blobOf(f.bytes) }));
  return row;
}

async function weightsOf(row: WeightsRow): Promise<StoredWeights> {
  const w: StoredWeights = { id: row.id, safetensors: await bytesOf(row.safetensors), configJson: row.configJson };
  if (row.extra) w.extra = await Promise.all(row.extra.map(async (f) => ({ name: f.name, bytes: await bytesOf(f.bytes) })));
  return w;
}

interface StoredSet {
  id: string;
  blob: Blob;
}

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export async function openRunArchive(factory: IDBFactory = indexedDB, name = DB_NAME): Promise<RunArchive> {
  const request = factory.open(name, DB_VERSION);
  request.onupgradeneeded = () => {
    const db = request.result;
    for (const name of STORES) if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, { keyPath: 'id' });
  };
  const db = await promised(request);
  return {
    async list() {
      const runs: RunRecord[] = await promised(db.transaction(RUNS).objectStore(RUNS).getAll());
      return runs.sort((a, b) => b.createdAt - a.createdAt);
    },
    async put(run, weights, opts = {}) {
      const row = weights ? rowOf(run.id, weights) : undefined; // the Blobs are made before the transaction opens
      const tx = db.transaction(opts.dropCheckpoint ? STORES : [RUNS, WEIGHTS], 'readwrite');
      tx.objectStore(RUNS).put({ ...run, hasWeights: run.hasWeights || weights !== undefined });
      if (row) tx.objectStore(WEIGHTS).put(row);
      if (opts.dropCheckpoint) {
        tx.objectStore(CHECKPOINTS).delete(run.id);
        tx.objectStore(SETS).delete(run.id);
      }
      await done(tx);
    },
    async getWeights(id) {
      const found: WeightsRow | undefined = await promised(db.transaction(WEIGHTS).objectStore(WEIGHTS).get(id));
      return found ? weightsOf(found) : null;
    },
    async delete(id) {
      const tx = db.transaction(RUN_STORES, 'readwrite');
      for (const name of RUN_STORES) tx.objectStore(name).delete(id);
      await done(tx);
    },
    async putCheckpoint(record, set) {
      const tx = db.transaction([CHECKPOINTS, SETS], 'readwrite');
      tx.objectStore(CHECKPOINTS).put(record);
      if (set) tx.objectStore(SETS).put({ id: record.id, blob: set } satisfies StoredSet);
      await done(tx);
    },
    async listCheckpoints() {
      const all: unknown[] = await promised(db.transaction(CHECKPOINTS).objectStore(CHECKPOINTS).getAll());
      return all.filter(isCheckpointRecord).sort((a, b) => b.savedAt - a.savedAt);
    },
    async getSet(id) {
      const found: StoredSet | undefined = await promised(db.transaction(SETS).objectStore(SETS).get(id));
      return found?.blob instanceof Blob ? found.blob : null;
    },
    async deleteCheckpoint(id) {
      const tx = db.transaction([CHECKPOINTS, SETS], 'readwrite');
      tx.objectStore(CHECKPOINTS).delete(id);
      tx.objectStore(SETS).delete(id);
      await done(tx);
    },
    async clearCheckpoints() {
      const tx = db.transaction([CHECKPOINTS, SETS], 'readwrite');
      tx.objectStore(CHECKPOINTS).clear();
      tx.objectStore(SETS).clear();
      await done(tx);
    },
    async putSweep(record) {
      const tx = db.transaction(SWEEPS, 'readwrite');
      tx.objectStore(SWEEPS).put(record);
      await done(tx);
    },
    async listSweeps() {
      const all: SweepRecord[] = await promised(db.transaction(SWEEPS).objectStore(SWEEPS).getAll());
      return all.filter((r) => typeof r?.id === 'string' && Array.isArray(r.rows)).sort((a, b) => b.createdAt - a.createdAt);
    },
    async deleteSweep(id) {
      const tx = db.transaction(SWEEPS, 'readwrite');
      tx.objectStore(SWEEPS).delete(id);
      await done(tx);
    },
    close: () => db.close(),
  };
}

/** A new run's id (the archive's key): `${prefix}-<time, base 36>-<random>`, e.g. run-m3x9k2-1a. */
export function newRunId(prefix: 'run' | 'import' | 'sweep'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e4).toString(36)}`;
}
