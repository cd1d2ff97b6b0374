/** Runs slice: the runs table (records without weights) and which runs are overlaid on the charts. */
import type { StateCreator } from 'zustand';
import type { RunRecord } from './run_record.ts';
import type { AppState } from './store.ts';

export interface RunsState {
  list: RunRecord[];
  /** Ids of runs whose curves are overlaid. */
  overlay: string[];
  error: string | null;
}

export interface RunsSlice {
  runs: RunsState;
  setRuns(list: RunRecord[]): void;
  /** Adds a run or replaces the one with the same id; newest first. */
  upsertRun(run: RunRecord): void;
  removeRun(id: string): void;
  toggleOverlay(id: string): void;
  /** Overlays exactly these runs. */
  setOverlay(ids: string[]): void;
  runsFailed(error: string | null): void;
}

export const createRunsSlice: StateCreator<AppState, [], [], RunsSlice> = (set) => ({
  runs: { list: [], overlay: [], error: null },
  setRuns: (list) => set((s) => ({ runs: { ...s.runs, list: [...list].sort((a, b) => b.createdAt - a.createdAt) } })),
  upsertRun: (run) =>
    set((s) => {
      const list = [run, ...s.runs.list.filter((r) => r.id !== run.id)].sort((a, b) => b.createdAt - a.createdAt);
      return { runs: { ...s.runs, list } };
    }),
  removeRun: (id) =>
    set((s) => ({
      runs: { ...s.runs, list: s.runs.list.filter((r) => r.id !== id), overlay: s.runs.overlay.filter((o) => o !== id) },
    })),
  toggleOverlay: (id) =>
    set((s) => {
      const overlay = s.runs.overlay.includes(id) ? s.runs.overlay.filter((o) => o !== id) : [...s.runs.overlay, id];
      return { runs: { ...s.runs, overlay } };
    }),
  setOverlay: (overlay) => set((s) => ({ runs: { ...s.runs, overlay: [...overlay] } })),
  runsFailed: (error) => set((s) => ({ runs: { ...s.runs, error } })),
});
