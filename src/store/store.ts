/**
 * The page's one zustand store, built from slices (data, config, run, metrics, runs, resume, sweep, compare). Plain data only: no
 * tensors, models or workers (the training client lives in session/page_session.ts and writes here through actions).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createDataSlice, type DataSlice } from './data_slice.ts';
import { createConfigSlice, type ConfigSlice } from './config_slice.ts';
import { createRunSlice, type RunSlice } from './run_slice.ts';
import { createMetricsSlice, type MetricsSlice } from './metrics_slice.ts';
import { createRunsSlice, type RunsSlice } from './runs_slice.ts';
import { createResumeSlice, type ResumeSlice } from './resume_slice.ts';
import { createSweepSlice, type SweepSlice } from './sweep_slice.ts';
import { createCompareSlice, type CompareSlice } from './compare_slice.ts';

export type AppState = DataSlice & ConfigSlice & RunSlice & MetricsSlice & RunsSlice & ResumeSlice & SweepSlice & CompareSlice;
export type AppStore = StoreApi<AppState>;

export function createAppStore(): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createDataSlice(...a),
    ...createConfigSlice(...a),
    ...createRunSlice(...a),
    ...createMetricsSlice(...a),
    ...createRunsSlice(...a),
    ...createResumeSlice(...a),
    ...createSweepSlice(...a),
    ...createCompareSlice(...a),
  }));
}
