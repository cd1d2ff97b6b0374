/**
 * Runs in IndexedDB: `runs` holds RunRecords (small: config, history, metrics); `weights` holds each run's
 * student (safetensors bytes + config.json) under the same id, read only when exported.
 */
import type { RunRecord } from './run_record.ts';

export interface StoredWeights {
  id: string;
  safetensors: Uint8Array;
  configJson: string;
}

export interface RunsDb {
  list(): Promise<RunRecord[]>;
  put(run: RunRecord, weights?: StoredWeights): Promise<void>;
  getWeights(id: string): Promise<StoredWeights | null>;
  delete(id: string): Promise<void>;
  close(): void;
}

const DB_NAME = 'distill-playground';
const DB_VERSION = 1;
const RUNS = 'runs';
const WEIGHTS = 'weights';

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

export async function openRunsDb(factory: IDBFactory = indexedDB, name = DB_NAME): Promise<RunsDb> {
  const request = factory.open(name, DB_VERSION);
  request.onupgradeneeded = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains(RUNS)) db.createObjectStore(RUNS, { keyPath: 'id' });
    if (!db.objectStoreNames.contains(WEIGHTS)) db.createObjectStore(WEIGHTS, { keyPath: 'id' });
  };
  const db = await promised(request);
  return {
    async list() {
      const runs: RunRecord[] = await promised(db.transaction(RUNS).objectStore(RUNS).getAll());
      return runs.sort((a, b) => b.createdAt - a.createdAt);
    },
    async put(run, weights) {
      const tx = db.transaction([RUNS, WEIGHTS], 'readwrite');
      tx.objectStore(RUNS).put({ ...run, hasWeights: run.hasWeights || weights !== undefined });
      if (weights) tx.objectStore(WEIGHTS).put({ ...weights, id: run.id });
      await done(tx);
    },
    async getWeights(id) {
      const found: StoredWeights | undefined = await promised(db.transaction(WEIGHTS).objectStore(WEIGHTS).get(id));
      return found ?? null;
    },
    async delete(id) {
      const tx = db.transaction([RUNS, WEIGHTS], 'readwrite');
      tx.objectStore(RUNS).delete(id);
      tx.objectStore(WEIGHTS).delete(id);
      await done(tx);
    },
    close: () => db.close(),
  };
}
