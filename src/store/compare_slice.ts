/**
 * Compare slice: which student the Compare tab shows. By default the current run's; a stored run can be
 * opened instead (its weights from IndexedDB are put into the training session and evaluated there).
 */
import type { StateCreator } from 'zustand';
import type { EvalMetrics } from '../engine/trainer_types.ts';
import type { AppState } from './store.ts';

export interface StoredCompare {
  runId: string;
  name: string;
  metrics: EvalMetrics;
  paramCount: number;
  /** Measured in this browser, on `backend`. */
  msPerExample: number | null;
  backend: string;
}

/** The teacher's latency measured in this browser: a network of the teacher's shape, timed like the student. */
export interface TeacherLatency {
  msPerExample: number;
  backend: string;
  /** The shape timed (layers × d_model), in words. */
  shape: string;
}

export interface CompareSlice {
  compare: { stored: StoredCompare | null; teacherHere: TeacherLatency | null; busy: string | null; error: string | null };
  setStoredCompare(stored: StoredCompare | null): void;
  setTeacherLatency(latency: TeacherLatency | null): void;
  compareBusy(busy: string | null, error?: string | null): void;
}

export const createCompareSlice: StateCreator<AppState, [], [], CompareSlice> = (set) => ({
  compare: { stored: null, teacherHere: null, busy: null, error: null },
  setStoredCompare: (stored) => set((s) => ({ compare: { ...s.compare, stored } })),
  setTeacherLatency: (teacherHere) => set((s) => ({ compare: { ...s.compare, teacherHere } })),
  compareBusy: (busy, error = null) => set((s) => ({ compare: { ...s.compare, busy, error } })),
});
