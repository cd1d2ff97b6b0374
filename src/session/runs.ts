/**
 * The runs table bound to the run archive: what the archive lists goes into the store's runs slice; a saved,
 * imported or deleted run changes both. When IndexedDB is unavailable the runs live in the store only, and
 * the runs slice says why.
 */
import type { RunRecord } from '../store/run_record.ts';
import type { AppStore } from '../store/store.ts';
import type { RunArchive, StoredWeights } from './run_archive.ts';

export interface Runs {
  /** Lists the archived runs into the store. */
  load(): Promise<void>;
  save(record: RunRecord, weights?: StoredWeights): Promise<void>;
  remove(id: string): Promise<void>;
  /** A run's stored student (null when it has none). */
  weights(id: string): Promise<StoredWeights | null>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createRuns(deps: { store: AppStore; archive: Promise<RunArchive> }): Runs {
  const act = () => deps.store.getState();
  const unavailable = (err: unknown) => act().runsFailed(`runs are not saved in this browser (IndexedDB: ${message(err)})`);
  return {
    async load() {
      try {
        act().setRuns(await (await deps.archive).list());
      } catch (err) {
        unavailable(err);
      }
    },
    async save(record, weights) {
      act().upsertRun(record);
      try {
        await (await deps.archive).put(record, weights);
        act().runsFailed(null);
      } catch (err) {
        unavailable(err);
      }
    },
    async remove(id) {
      act().removeRun(id);
      try {
        await (await deps.archive).delete(id);
      } catch (err) {
        act().runsFailed(`could not delete the run: ${message(err)}`);
      }
    },
    weights: async (id) => (await deps.archive).getWeights(id),
  };
}
