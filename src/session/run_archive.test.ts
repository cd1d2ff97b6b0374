import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openRunArchive } from './run_archive.ts';
import { parseReport } from '../store/run_record.ts';
import { DEFAULT_CONFIG } from '../engine/config/config.ts';
import type { CheckpointRecord } from '../store/checkpoint_record.ts';

const record = (id: string, createdAt: number) => ({ ...parseReport('{"config": {}, "history": []}', 'r.json', id), createdAt, imported: false });

/** A checkpoint record; `data`: its one tensor as a Blob (as checkpoints are taken) or a Float32Array (records stored before). */
const checkpoint = (id: string, savedAt: number, data: Blob | Float32Array = new Blob([Float32Array.of(1, 2)])): CheckpointRecord => ({
  id,
  savedAt,
  step: 20,
  totalSteps: 100,
  startedAt: 1,
  config: { ...DEFAULT_CONFIG },
  preset: null,
  backend: null,
  paramCount: 10,
  dataset: null,
  set: { name: 'a.safetensors', bytes: 3, fingerprint: 'sha256:00' },
  setStored: true,
  history: [{ step: 1, total: 2, lr: 0.1, grad_norm: 1, ms_per_step: 1, tokens_per_s: 1 }],
  evals: [],
  recoveries: [],
  failed: null,
  checkpoint: { version: 1, step: 20, params: [{ name: 'w', dtype: 'F32', shape: [2], data }], adam: { step: 20, m: [], v: [] }, rng: { stream: { order: [1, 0], cursor: 1, rng: 5 }, dropout: 7 } },
});

describe('runs in IndexedDB', () => {
  it('stores runs with weights, lists newest first, deletes both', async () => {
    const db = await openRunArchive(indexedDB, `test-${Math.random()}`);
    await db.put(record('old', 1));
    await db.put(record('new', 2), { id: 'new', safetensors: new Uint8Array([1, 2, 3]), configJson: '{}' });
    const list = await db.list();
    expect(list.map((r) => [r.id, r.hasWeights])).toEqual([
      ['new', true],
      ['old', false],
    ]);
    const weights = await db.getWeights('new');
    expect(Array.from(weights!.safetensors)).toEqual([1, 2, 3]);
    expect(await db.getWeights('old')).toBeNull();
    await db.delete('new');
    expect((await db.list()).map((r) => r.id)).toEqual(['old']);
    expect(await db.getWeights('new')).toBeNull();
    db.close();
  });
  it('stores the weight files as Blobs (no serialised copy in the page) and still reads rows written as Uint8Arrays', async () => {
    const name = `test-${Math.random()}`;
    const db = await openRunArchive(indexedDB, name);
    const extra = [{ name: 'optimizer.safetensors', bytes: new Uint8Array([7, 8]) }];
    await db.put(record('blob', 1), { id: 'blob', safetensors: new Uint8Array([1, 2, 3]), configJson: '{"a": 1}', extra });
    const raw = await new Promise<{ safetensors: unknown; extra: { bytes: unknown }[] }>((resolve) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => {
        const get = req.result.transaction('weights').objectStore('weights').get('blob');
        get.onsuccess = () => (resolve(get.result), req.result.close());
      };
    });
    expect(raw.safetensors).toBeInstanceOf(Blob);
    expect(raw.extra[0].bytes).toBeInstanceOf(Blob);
    const back = await db.getWeights('blob');
    expect(back).toEqual({ id: 'blob', safetensors: new Uint8Array([1, 2, 3]), configJson: '{"a": 1}', extra });
    // a row of an older version: the files as Uint8Arrays
    await new Promise<void>((resolve) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => {
        const tx = req.result.transaction('weights', 'readwrite');
        tx.objectStore('weights').put({ id: 'old', safetensors: new Uint8Array([4]), configJson: '{}', extra });
        tx.oncomplete = () => (req.result.close(), resolve());
      };
    });
    expect(await db.getWeights('old')).toEqual({ id: 'old', safetensors: new Uint8Array([4]), configJson: '{}', extra });
    db.close();
  });
  it('keeps runs across reopening', async () => {
    const name = `test-${Math.random()}`;
    const a = await openRunArchive(indexedDB, name);
    await a.put(record('kept', 5));
    a.close();
    const b = await openRunArchive(indexedDB, name);
    expect((await b.list()).map((r) => r.id)).toEqual(['kept']);
    b.close();
  });

  it('keeps an unfinished run\'s checkpoint and data file, newest first, and deletes them', async () => {
    const db = await openRunArchive(indexedDB, `test-${Math.random()}`);
    await db.putCheckpoint(checkpoint('old', 1, Float32Array.of(3, 4)), new Blob([new Uint8Array([1, 2, 3])]));
    await db.putCheckpoint(checkpoint('new', 2));
    const list = await db.listCheckpoints();
    expect(list.map((c) => c.id)).toEqual(['new', 'old']);
    // a checkpoint's tensors are stored as the Blobs they are; a record stored before, with Float32Arrays, still reads
    const [stored, old] = [list[0].checkpoint.params[0].data, list[1].checkpoint.params[0].data];
    expect(stored).toBeInstanceOf(Blob);
    expect(Array.from(new Float32Array(await (stored as Blob).arrayBuffer()))).toEqual([1, 2]);
    expect(old).toBeInstanceOf(Float32Array);
    expect(Array.from(old as Float32Array)).toEqual([3, 4]);
    expect((await db.getSet('old'))?.size).toBe(3);
    expect(await db.getSet('new')).toBeNull();
    await db.deleteCheckpoint('old');
    expect((await db.listCheckpoints()).map((c) => c.id)).toEqual(['new']);
    expect(await db.getSet('old')).toBeNull();
    await db.clearCheckpoints();
    expect(await db.listCheckpoints()).toEqual([]);
    db.close();
  });

  it('stores a finished run and drops its checkpoint and file in one transaction; a failed write drops nothing', async () => {
    const db = await openRunArchive(indexedDB, `test-${Math.random()}`);
    await db.putCheckpoint(checkpoint('run', 1), new Blob([new Uint8Array([1, 2, 3])]));
    await db.putCheckpoint(checkpoint('other', 2));
    // A record IndexedDB cannot store (a function does not clone): the write fails and the checkpoint stays.
    const unstorable = { ...record('run', 3), note: (() => 0) as unknown as string };
    await expect(db.put(unstorable, undefined, { dropCheckpoint: true })).rejects.toThrow();
    expect((await db.listCheckpoints()).map((c) => c.id).sort()).toEqual(['other', 'run']);
    expect(await db.list()).toEqual([]);
    await db.put(record('run', 3), { id: 'run', safetensors: new Uint8Array([9]), configJson: '{}' }, { dropCheckpoint: true });
    expect((await db.list()).map((r) => [r.id, r.hasWeights])).toEqual([['run', true]]);
    expect((await db.listCheckpoints()).map((c) => c.id)).toEqual(['other']); // only the finished run's
    expect(await db.getSet('run')).toBeNull();
    await db.put(record('other', 4)); // without the option, a checkpoint is left alone
    expect((await db.listCheckpoints()).map((c) => c.id)).toEqual(['other']);
    db.close();
  });

  it('leaves out a damaged checkpoint record instead of failing', async () => {
    const name = `test-${Math.random()}`;
    const db = await openRunArchive(indexedDB, name);
    db.close();
    const raw = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    await new Promise<void>((resolve) => {
      const tx = raw.transaction('checkpoints', 'readwrite');
      tx.objectStore('checkpoints').put({ id: 'broken', step: 'twenty' });
      // whole, but a tensor's values neither a Blob nor a Float32Array
      const record = checkpoint('plain', 1);
      tx.objectStore('checkpoints').put({ ...record, checkpoint: { ...record.checkpoint, params: [{ name: 'w', dtype: 'F32', shape: [2], data: [1, 2] }] } });
      tx.oncomplete = () => resolve();
    });
    raw.close();
    const again = await openRunArchive(indexedDB, name);
    expect(await again.listCheckpoints()).toEqual([]);
    again.close();
  });

  it('upgrades a version 1 database (runs and weights only) and keeps its runs', async () => {
    const name = `test-${Math.random()}`;
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open(name, 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore('runs', { keyPath: 'id' }).put(record('kept', 3));
        open.result.createObjectStore('weights', { keyPath: 'id' });
      };
      open.onsuccess = () => {
        open.result.close();
        resolve();
      };
      open.onerror = () => reject(open.error);
    });
    const db = await openRunArchive(indexedDB, name);
    expect((await db.list()).map((r) => r.id)).toEqual(['kept']);
    expect(await db.listCheckpoints()).toEqual([]);
    db.close();
  });
});
