/**
 * Sweep slice: the sweep the page is running (or the unfinished one found in IndexedDB at start-up), as its
 * plan and each row's state; its results come from the runs table (each row is a stored run, by id).
 */
import type { StateCreator } from 'zustand';
import type { BackendChoice } from '../engine/backend.ts';
import type { DistillConfig } from '../engine/config/config.ts';
import type { RunDataset } from './run_record.ts';
import type { AppState } from './store.ts';

export type SweepRowStatus = 'pending' | 'running' | 'done' | 'stopped' | 'error';

/** One planned run of a sweep (engine/sweep/grid.ts SweepPlanRow) and how far it got. */
export interface SweepRowState {
  name: string;
  /** The directory name `distill sweep` would give it (sweep.json / sweep.csv keep the same field). */
  dir: string;
  config: DistillConfig;
  grid: Record<string, number | string | boolean>;
  baseline: boolean;
  /** The run's id in the runs table, once started. */
  runId: string | null;
  status: SweepRowStatus;
  error?: string;
}

/**
 * 'running': rows are being trained one after the other; 'interrupted': found after a reload (its current
 * row's checkpoint is offered like any run's); 'stopped': the person stopped a row; 'done': every row ran.
 */
export type SweepStatus = 'running' | 'interrupted' | 'stopped' | 'done';

/** A sweep as IndexedDB keeps it (`sweeps`, by id). */
export interface SweepRecord {
  id: string;
  createdAt: number;
  /** The data file's name and summary: a sweep continues only on the same set. */
  dataName: string;
  dataset: RunDataset | null;
  /** The swept values per key, in the order given. */
  grid: Record<string, (number | string | boolean)[]>;
  rows: SweepRowState[];
  /** Chosen by the first row (auto calibrates it) and kept for the others, so rows compare like with like. */
  backend: BackendChoice | null;
  status: SweepStatus;
}

export interface SweepSlice {
  sweep: { current: SweepRecord | null; error: string | null };
  setSweep(record: SweepRecord | null): void;
  sweepFailed(error: string | null): void;
}

export const createSweepSlice: StateCreator<AppState, [], [], SweepSlice> = (set) => ({
  sweep: { current: null, error: null },
  setSweep: (current) => set((s) => ({ sweep: { ...s.sweep, current } })),
  sweepFailed: (error) => set((s) => ({ sweep: { ...s.sweep, error } })),
});
