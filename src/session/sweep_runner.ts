/**
 * The page's sweep: every combination of a grid (engine/sweep/grid.ts, the CLI's planner) plus the hard-label
 * baseline row, trained one after the other in the training session like any run — each row is a run of its
 * own (stored, checkpointed, resumable), started with the row's config while the form keeps the base one.
 * The first row's backend (auto calibrates it) is kept for the others, as `distill sweep` does.
 *
 * The sweep's plan and row states live in IndexedDB (`sweeps`). After a reload an unfinished sweep comes back
 * 'interrupted': its current row's checkpoint is offered like any interrupted run's, and resuming that run, or
 * Continue here, carries on with the rows left. Stopping a row stops the sweep (Continue runs that row again).
 * A failed row keeps its error and the sweep goes on, as the CLI's does.
 */
import type { BackendChoice } from '../engine/backend.ts';
import type { DistillConfig } from '../engine/config/config.ts';
import { planSweep, type GridAxis } from '../engine/sweep/grid.ts';
import type { RunRecord } from '../store/run_record.ts';
import type { AppStore } from '../store/store.ts';
import type { SweepRecord, SweepRowState } from '../store/sweep_slice.ts';
import type { RunArchive } from './run_archive.ts';
import { newRunId } from './run_archive.ts';
import { isActive } from './run_machine.ts';
import { sameDataset } from './interrupted_run.ts';

export interface SweepRunnerDeps {
  store: AppStore;
  archive: Promise<RunArchive>;
  /** Starts a run with this config (and a backend chosen earlier); resolves with its id once it trains, or null. */
  startRun(config: DistillConfig, backend?: BackendChoice): Promise<string | null>;
  /** Stores a changed run record (its name and sweep tag). */
  saveRun(record: RunRecord): Promise<void>;
  /** Resumes the interrupted run offered at start-up. */
  resumeInterrupted(): Promise<void>;
}

export interface SweepRunner {
  /** Reads the newest unfinished sweep back (after the runs table is loaded). */
  init(): Promise<void>;
  /** Plans the grid on top of the form's config and runs it; throws (one line) for a plan that cannot run. */
  start(axes: readonly GridAxis[], options: { baseline: boolean }): Promise<void>;
  /** Carries on with an interrupted or stopped sweep. */
  continue(): Promise<void>;
  /** Forgets the sweep (its runs stay in the runs table). */
  discard(): Promise<void>;
  dispose(): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createSweepRunner(deps: SweepRunnerDeps): SweepRunner {
  const { store } = deps;
  const act = () => store.getState();
  const current = () => act().sweep.current;

  /** Puts the record in the store and IndexedDB (a failure to write is said, the sweep goes on in this tab). */
  async function commit(record: SweepRecord): Promise<void> {
    act().setSweep(record);
    try {
      await (await deps.archive).putSweep(record);
    } catch (err) {
      act().sweepFailed(`the sweep is kept in this tab only (IndexedDB: ${message(err)})`);
    }
  }

  const withRow = (record: SweepRecord, index: number, patch: Partial<SweepRowState>): SweepRecord => ({
    ...record,
    rows: record.rows.map((row, i) => (i === index ? { ...row, ...patch } : row)),
  });

  /** Starts the first pending row, or marks the sweep done. */
  async function runNext(): Promise<void> {
    let record = current();
    if (!record || record.status !== 'running') return;
    const index = record.rows.findIndex((r) => r.status === 'pending');
    if (index < 0) return commit({ ...record, status: 'done' });
    const row = record.rows[index];
    record = withRow(record, index, { status: 'running', runId: null, error: undefined });
    await commit(record);
    const runId = await deps.startRun(row.config, record.backend ?? undefined);
    const latest = current();
    if (!latest || latest.id !== record.id) return;
    if (runId === null) {
      // the run could not start (the error is on the run panel): the row fails and the sweep goes on
      await commit(withRow(latest, index, { status: 'error', error: act().run.error ?? 'the run could not start' }));
      return runNext();
    }
    await commit(withRow(latest, index, { runId }));
  }

  /** A run was stored: when it is the current row's, record how it ended, tag it, and go on. */
  async function onRunSaved(run: RunRecord, goOn: boolean): Promise<void> {
    const record = current();
    if (!record) return;
    const index = record.rows.findIndex((r) => r.runId === run.id && r.status === 'running');
    if (index < 0) return;
    const row = record.rows[index];
    await deps.saveRun({ ...run, name: row.name, sweep: { id: record.id, row: row.name, baseline: row.baseline }, tags: [...new Set([...(run.tags ?? []), 'sweep'])] });
    const status = run.status === 'done' ? 'done' : run.status === 'stopped' ? 'stopped' : 'error';
    const error = status === 'error' ? (act().run.error ?? 'the run failed') : undefined;
    let next = withRow(record, index, { status, error });
    next = { ...next, backend: next.backend ?? run.backend };
    if (status === 'stopped') return commit({ ...next, rows: next.rows.map((r, i) => (i === index ? { ...r, status: 'pending', runId: null } : r)), status: 'stopped' });
    const resumed = record.status === 'interrupted' && goOn; // the person resumed this row's run: the sweep resumes too
    await commit(resumed ? { ...next, status: 'running' } : next);
    if (record.status === 'running' || resumed) await runNext();
  }

  const unsubscribe = store.subscribe((s, prev) => {
    if (!s.run.saved || prev.run.saved || !s.run.runId) return;
    const run = s.runs.list.find((r) => r.id === s.run.runId);
    if (run) void onRunSaved(run, true).catch((err) => act().sweepFailed(message(err)));
  });

  return {
    async init() {
      try {
        const found = (await (await deps.archive).listSweeps()).find((r) => r.status !== 'done');
        if (!found || current()) return;
        const record: SweepRecord = { ...found, status: found.status === 'running' ? 'interrupted' : found.status };
        act().setSweep(record);
        // A row whose run finished just before the reload: take its result now.
        const row = record.rows.find((r) => r.status === 'running' && r.runId);
        const stored = row && act().runs.list.find((r) => r.id === row.runId);
        if (stored) await onRunSaved(stored, false);
      } catch (err) {
        act().sweepFailed(`could not read the stored sweeps (IndexedDB: ${message(err)})`);
      }
    },
    async start(axes, options) {
      const s = act();
      if (s.data.status !== 'loaded' || !s.data.summary) throw new Error('load a data set first');
      if (isActive(s.run.status)) throw new Error('a run is in progress: stop it first');
      if (s.config.error) throw new Error(`the form's config is refused: ${s.config.error.message}`);
      const plan = planSweep(s.config.values, axes, options);
      const record: SweepRecord = {
        id: newRunId('sweep'),
        createdAt: Date.now(),
        dataName: s.data.summary.fileName,
        dataset: s.data.summary.dataset,
        grid: Object.fromEntries(axes.map((a) => [a.key, [...a.values]])),
        rows: plan.map((row) => ({ name: row.name, dir: row.dir, config: { ...row.config }, grid: { ...row.grid }, baseline: row.baseline, runId: null, status: 'pending' })),
        backend: null,
        status: 'running',
      };
      act().sweepFailed(null);
      await commit(record);
      await runNext();
    },
    async continue() {
      const record = current();
      if (!record || (record.status !== 'interrupted' && record.status !== 'stopped')) return;
      const row = record.rows.find((r) => r.status === 'running');
      const offer = act().resume.offer;
      if (row && offer && offer.runId === row.runId) {
        // its run continues from its checkpoint (its data file put back as for any interrupted run); the
        // sweep goes on once that run is stored
        await deps.resumeInterrupted();
        return;
      }
      const summary = act().data.summary;
      if (!summary || (record.dataset && !sameDataset(summary.dataset, record.dataset))) {
        throw new Error(`load ${record.dataName} first: the sweep's rows train on it`);
      }
      // no checkpoint to resume: the row starts again
      const reset = { ...record, status: 'running' as const, rows: record.rows.map((r) => (r.status === 'running' ? { ...r, status: 'pending' as const, runId: null } : r)) };
      await commit(reset);
      await runNext();
    },
    async discard() {
      const record = current();
      act().setSweep(null);
      if (record) await (await deps.archive).deleteSweep(record.id).catch(() => undefined);
    },
    dispose: unsubscribe,
  };
}
