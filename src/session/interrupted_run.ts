/**
 * A run interrupted in an earlier page load (reload, closed tab, crash): its checkpoint is found in IndexedDB
 * at start-up and offered (resume slice). Resuming puts its data file back into the worker — from IndexedDB
 * when it was small enough to keep, else the person drops the same file again, checked by size, fingerprint
 * and parsed summary — then its config, charts and run state, then the trainer at its checkpoint.
 */
import type { AppStore } from '../store/store.ts';
import type { RunArchive } from './run_archive.ts';
import type { CheckpointRecord } from '../store/checkpoint_record.ts';
import { datasetOf, type RunDataset } from '../store/run_record.ts';
import type { CheckpointKeeper, LoadedSet } from './checkpoints.ts';
import { identityOf } from './checkpoints.ts';
import type { RecoveryApi } from './recovery.ts';

export interface InterruptedRunDeps {
  store: AppStore;
  db: Promise<RunArchive>;
  keeper: CheckpointKeeper;
  recovery: RecoveryApi;
  /** Loads a data file the normal way (the data card, the worker). */
  loadFile(blob: Blob, name: string): Promise<void>;
  currentSet(): LoadedSet | null;
  dropMetrics(): void;
}

export interface InterruptedRun {
  /** Offers the run of this checkpoint. */
  offer(record: CheckpointRecord): void;
  /** A file was loaded: with a file the checkpoint does not keep, is it the one the run trained on? */
  checkFile(set: LoadedSet): Promise<void>;
  resume(): Promise<void>;
  /** Deletes its checkpoint and kept file. */
  discard(): Promise<void>;
  /** A new run starts: the offer goes (the keeper deletes the checkpoints). */
  forget(): void;
}

export function createInterruptedRun(deps: InterruptedRunDeps): InterruptedRun {
  const { store } = deps;
  const act = () => store.getState();
  let interrupted: CheckpointRecord | null = null;

  async function putFileBack(record: CheckpointRecord): Promise<void> {
    if (record.setStored) {
      const blob = await (await deps.db).getSet(record.id);
      if (!blob) throw new Error(`the stored copy of ${record.set.name} is gone: drop the file again`);
      await deps.loadFile(blob, record.set.name);
      if (act().data.status !== 'loaded') throw new Error(act().data.error ?? `${record.set.name} did not load`);
    } else if (act().resume.offer?.fileMatches !== true || !deps.currentSet()) {
      throw new Error(`drop ${record.set.name} (${record.set.bytes} bytes) again first: the run needs it`);
    }
  }

  return {
    offer(record) {
      interrupted = record;
      act().offerResume({
        runId: record.id,
        step: record.step,
        totalSteps: record.totalSteps,
        savedAt: record.savedAt,
        fileName: record.set.name,
        fileBytes: record.set.bytes,
        setStored: record.setStored,
        failed: record.failed,
        fileMatches: null,
        message: null,
      });
    },
    async checkFile(set) {
      const offer = act().resume.offer;
      if (!interrupted || !offer || offer.setStored) return;
      const want = interrupted.set;
      const have = await identityOf(set);
      const summary = act().data.summary;
      const sameData = !interrupted.dataset || !summary || sameDataset(datasetOf(summary), interrupted.dataset);
      const matches = have.bytes === want.bytes && have.fingerprint === want.fingerprint && sameData;
      act().updateOffer({
        fileMatches: matches,
        message: matches ? null : `${set.name} is not the file the run trained on (${want.name}, ${want.bytes} bytes): drop that one`,
      });
    },
    async resume() {
      const record = interrupted;
      if (!record || !act().resume.offer) return;
      try {
        await putFileBack(record);
      } catch (err) {
        act().updateOffer({ message: message(err) });
        return;
      }
      interrupted = null;
      act().offerResume(null);
      act().replaceConfig(record.config, record.preset);
      deps.dropMetrics();
      act().setMetrics(record.history, record.evals);
      act().runEvent({
        type: 'restore',
        run: { runId: record.id, config: record.config, backend: record.backend, paramCount: record.paramCount, step: record.step, totalSteps: record.totalSteps, startedAt: record.startedAt, recoveries: record.recoveries },
      });
      deps.keeper.adopt(record);
      act().runEvent({ type: 'notice', notice: `Resumed from the checkpoint at step ${record.step} saved before the page was reloaded.` });
      try {
        await deps.recovery.resume({ record, config: record.config, backend: record.config.backend });
      } catch (err) {
        act().runEvent({ type: 'failed', error: message(err) });
      }
    },
    async discard() {
      const record = interrupted;
      interrupted = null;
      act().offerResume(null);
      if (record) await deps.keeper.discard(record.id);
    },
    forget() {
      interrupted = null;
      act().offerResume(null);
    },
  };
}

/**
 * The loaded set's summary `have` describes the set a checkpoint recorded (`want`), the file's name aside.
 * Compared over the recorded keys: a checkpoint saved before a key was added to the summary still matches.
 */
export function sameDataset(have: RunDataset, want: RunDataset): boolean {
  const a: Record<string, unknown> = { ...have };
  const b: Record<string, unknown> = { ...want };
  return Object.keys(b).every((key) => key === 'file' || JSON.stringify(a[key]) === JSON.stringify(b[key]));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
