/**
 * The checkpoint keeper: each checkpoint the worker posts becomes a CheckpointRecord (the trainer's snapshot +
 * the run's config, history and evaluations up to its step + which data file it needs), kept in memory for
 * in-page recovery and written to IndexedDB for recovery after a reload. The checkpoint's tensors are the
 * Blobs the worker made (engine/train/checkpoint.ts): kept and stored as they came, they hold no bytes on the
 * page's heap (a 250k-vocabulary student's ~370 MiB stay in the browser's blob store). The data file's bytes
 * are stored with the first checkpoint of a run when they fit STORED_SET_MAX_BYTES. Writes are queued in order.
 *
 * When a run ends, `end()` closes it to further checkpoints and resolves once the queued writes have landed;
 * its checkpoint is then dropped in the same IndexedDB transaction that stores the finished run (run_end.ts),
 * never before: a reload at any moment finds the run or its checkpoint.
 */
import type { AppStore } from '../store/store.ts';
import type { RunArchive } from './run_archive.ts';
import type { TrainerCheckpoint } from '../engine/trainer_types.ts';
import { datasetOf } from '../store/run_record.ts';
import { STORED_SET_MAX_BYTES, type CheckpointRecord, type SetIdentity } from '../store/checkpoint_record.ts';
import { isActive } from './run_machine.ts';
import { fingerprintBlob } from './set_fingerprint.ts';

/** The data file currently in the worker, as the page keeps it (a File, or the demo's bytes as a Blob). */
export interface LoadedSet {
  blob: Blob;
  name: string;
  /** Computed on first use. */
  identity?: Promise<SetIdentity>;
}

export function identityOf(set: LoadedSet): Promise<SetIdentity> {
  set.identity ??= fingerprintBlob(set.blob).then((fingerprint) => ({ name: set.name, bytes: set.blob.size, fingerprint }));
  return set.identity;
}

export interface CheckpointKeeper {
  /** The last checkpoint of run `runId` in this page, or null. */
  latest(runId: string | null): CheckpointRecord | null;
  /** Records a checkpoint of the current run (call after the run's metrics are flushed to the store). */
  save(checkpoint: TrainerCheckpoint): Promise<void>;
  /** Takes over a record read back from IndexedDB (the run resumes in this page). */
  adopt(record: CheckpointRecord): void;
  /** The run failed after its last checkpoint: keep it, marked, so a reload still offers to resume. */
  markFailed(runId: string, reason: string): Promise<void>;
  /**
   * The run ended (its status is no longer active, so later checkpoints of it are ignored): resolves once
   * every queued write has landed. The finished run's record, written next, drops the checkpoint in its own
   * transaction.
   */
  end(): Promise<void>;
  /** The finished run's record dropped its checkpoint from IndexedDB: forget it here too. */
  dropped(runId: string): void;
  /** The run is discarded: its checkpoint and stored file go. */
  discard(runId: string): Promise<void>;
  /** A new run starts: every older checkpoint goes. */
  discardAll(): Promise<void>;
}

export interface KeeperDeps {
  store: AppStore;
  db: Promise<RunArchive>;
  /** The data file the current run trains on. */
  currentSet(): LoadedSet | null;
}

export function createCheckpointKeeper({ store, db, currentSet }: KeeperDeps): CheckpointKeeper {
  let current: CheckpointRecord | null = null;
  /** Runs whose data file is already stored with their checkpoint. */
  const setStored = new Set<string>();
  let queue: Promise<void> = Promise.resolve();
  /** Checkpoints accepted (posted while their run was active) and not yet queued for writing, in order. */
  let arriving: Promise<void> = Promise.resolve();
  const act = () => store.getState();

  /** Runs IndexedDB work in order; a failure leaves a notice (in-page recovery still has `current`). */
  const write = (work: (db: RunArchive) => Promise<void>) => {
    queue = queue.then(async () => {
      try {
        await work(await db);
      } catch (err) {
        act().runEvent({ type: 'notice', notice: `checkpoints are kept in this tab only (IndexedDB: ${err instanceof Error ? err.message : String(err)})` });
      }
    });
    return queue;
  };

  /** Forgets in memory, then queues IndexedDB work, behind the checkpoints accepted so far. */
  const after = (forget: () => void, work: (db: RunArchive) => Promise<void>) => {
    const done = arriving.then(() => {
      forget();
      return write(work);
    });
    arriving = done.catch(() => undefined);
    return done;
  };

  return {
    latest: (runId) => (current && current.id === runId ? current : null),
    save(checkpoint) {
      const s = act();
      const set = currentSet();
      // A checkpoint posted once the run has ended (saving, or finished) must not outlive the run's record.
      if (!s.run.runId || !s.run.config || !set || !isActive(s.run.status)) return Promise.resolve();
      // The record is read from the store now, as the checkpoint arrives. The run may end or fail while the set's
      // fingerprint is computed; a checkpoint posted while it was active is still its own to keep, and end() and
      // markFailed wait for it.
      const runId = s.run.runId;
      const started = {
        id: runId,
        savedAt: Date.now(),
        step: checkpoint.step,
        totalSteps: s.run.totalSteps,
        startedAt: s.run.startedAt ?? Date.now(),
        config: { ...s.run.config },
        preset: s.config.preset,
        backend: s.run.backend,
        paramCount: s.run.paramCount,
        dataset: s.data.summary ? datasetOf(s.data.summary) : null,
        history: s.metrics.history.filter((r) => r.step <= checkpoint.step),
        evals: s.metrics.evals.filter((e) => e.step <= checkpoint.step),
        recoveries: s.run.recoveries,
        failed: null,
        checkpoint,
      };
      // The chain holds each checkpoint until its fingerprint is known and its write is queued (not landed: the
      // queue keeps the order from there), so latest() has it as soon as it can be written.
      const queued = arriving.then(async () => {
        let identity: SetIdentity;
        try {
          identity = await identityOf(set);
        } catch (err) {
          set.identity = undefined; // the next checkpoint tries again
          act().runEvent({ type: 'notice', notice: `the checkpoint at step ${checkpoint.step} was not kept: the data file could not be read (${err instanceof Error ? err.message : String(err)})` });
          return null;
        }
        if (act().run.runId !== runId) return null; // the page moved on (a new file, or a new run) meanwhile
        const storeSet = !setStored.has(runId) && set.blob.size <= STORED_SET_MAX_BYTES;
        if (storeSet) setStored.add(runId); // now, so the next checkpoint does not store the file again
        const record: CheckpointRecord = { ...started, set: identity, setStored: setStored.has(runId) };
        current = record;
        const written = write(async (d) => {
          try {
            await d.putCheckpoint(record, storeSet ? set.blob : undefined);
          } catch (err) {
            if (storeSet) setStored.delete(runId);
            throw err;
          }
        });
        return { written };
      });
      arriving = queued.then(
        () => undefined,
        () => undefined,
      );
      return queued.then(async (q) => {
        if (!q) return;
        await q.written;
        // Shown once written (or once IndexedDB has failed: then it lives in this tab only, as the notice says).
        if (act().run.runId === runId) act().runEvent({ type: 'checkpointed', step: checkpoint.step });
      });
    },
    adopt(record) {
      current = record;
      if (record.setStored) setStored.add(record.id);
    },
    async markFailed(runId, reason) {
      await arriving; // the checkpoint posted before the failure is the one to mark
      if (!current || current.id !== runId) return;
      current = { ...current, failed: reason };
      const record = current;
      await write((d) => d.putCheckpoint(record));
    },
    end: () => arriving.then(() => write(async () => {})),
    dropped(runId) {
      if (current?.id === runId) current = null;
      setStored.delete(runId);
    },
    discard(runId) {
      // After the checkpoints already accepted, so none of them is written back after its run is gone.
      return after(
        () => {
          if (current?.id === runId) current = null;
          setStored.delete(runId);
        },
        (d) => d.deleteCheckpoint(runId),
      );
    },
    discardAll() {
      return after(
        () => {
          current = null;
          setStored.clear();
        },
        (d) => d.clearCheckpoints(),
      );
    },
  };
}
