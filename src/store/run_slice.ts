/**
 * Run slice: the current run's state (session/run_machine.ts: its statuses, the transition table and the
 * reducer). One action: `runEvent` applies a lifecycle event or a fact about the run through the machine.
 */
import type { StateCreator } from 'zustand';
import { IDLE_RUN, reduceRun, type RunEvent, type RunState } from '../session/run_machine.ts';
import type { AppState } from './store.ts';

export type { RunState, RunStatus } from '../session/run_machine.ts';

export interface RunSlice {
  run: RunState;
  runEvent(event: RunEvent): void;
}

export const createRunSlice: StateCreator<AppState, [], [], RunSlice> = (set) => ({
  run: IDLE_RUN,
  runEvent: (event) =>
    set((s) => {
      const run = reduceRun(s.run, event);
      return run === s.run ? {} : { run };
    }),
});
