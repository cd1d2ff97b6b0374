import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../engine/config/config.ts';
import { canStartRun, canStop, IDLE_RUN, isActive, locksData, nextStatus, reduceRun, RUN_TRANSITIONS, type RunEvent, type RunState, type RunStatus } from './run_machine.ts';

const config = { ...DEFAULT_CONFIG, steps: 50 };
const STATUSES = Object.keys(RUN_TRANSITIONS) as RunStatus[];
const at = (status: RunStatus): RunState => ({ ...IDLE_RUN, status, runId: 'r', config, totalSteps: 50 });
const run = (events: RunEvent[], from: RunState = IDLE_RUN) => events.reduce((s, e) => reduceRun(s, e, 1000), from);

const ask = (verb: 'pause' | 'stop'): RunEvent => ({ type: 'requested', verb });
const ended = (reason: 'completed' | 'stopped' | 'error'): RunEvent => ({ type: 'ended', reason, step: 5 });
const saved = (reason: 'completed' | 'stopped' | 'error'): RunEvent => ({ type: 'saved', reason, stored: true });
/** The statuses that take a lifecycle event (the table lists the pair). */
const where = (event: RunEvent) => STATUSES.filter((s) => nextStatus(s, event) !== null);

describe('RUN_TRANSITIONS', () => {
  it('covers the eleven statuses', () => {
    expect([...STATUSES].sort()).toEqual(['configuring', 'done', 'error', 'idle', 'paused', 'pausing', 'recovering', 'running', 'saving', 'stopped', 'stopping']);
  });
  it('starts a run only when none is going and none is being saved', () => {
    const startable = STATUSES.filter((s) => nextStatus(s, { type: 'configure', runId: 'r', config }) === 'configuring');
    expect(startable.sort()).toEqual(['done', 'error', 'idle', 'stopped']);
    for (const s of STATUSES) expect(canStartRun(s), s).toBe(startable.includes(s));
    for (const s of STATUSES) expect(isActive(s), s).toBe(!startable.includes(s) && s !== 'saving');
  });
  it('a finished run stays finished: late running / paused statuses from the worker are ignored', () => {
    for (const s of ['saving', 'done', 'stopped', 'error'] as const) {
      expect(nextStatus(s, { type: 'status', status: 'running' }), s).toBeNull();
      expect(nextStatus(s, { type: 'status', status: 'paused' }), s).toBeNull();
    }
  });
  it('a pause request shows at once as pausing, and lands as paused; a late running status does not undo it', () => {
    expect(nextStatus('running', ask('pause'))).toBe('pausing');
    expect(where(ask('pause'))).toEqual(['running']);
    expect(nextStatus('pausing', { type: 'status', status: 'running' })).toBeNull();
    expect(nextStatus('pausing', { type: 'status', status: 'paused' })).toBe('paused');
  });
  it('Stop is taken in every going status — building the student too — and nothing but the end undoes it', () => {
    const stoppable = STATUSES.filter((s) => nextStatus(s, ask('stop')) === 'stopping');
    expect(stoppable.sort()).toEqual(['configuring', 'paused', 'pausing', 'recovering', 'running']);
    for (const s of STATUSES) expect(canStop(s), s).toBe(stoppable.includes(s));
    for (const e of [{ type: 'status', status: 'running' }, { type: 'status', status: 'paused' }, ask('pause')] as RunEvent[]) {
      expect(nextStatus('stopping', e)).toBeNull();
    }
    // A fault while stopping is recovered and the rebuilt run stopped: the status stays stopping throughout.
    expect(nextStatus('stopping', { type: 'recovering', notice: 'crashed' })).toBe('stopping');
    expect(nextStatus('stopping', { type: 'resumed', step: 3, status: 'paused' })).toBe('stopping');
    expect(nextStatus('stopping', ended('stopped'))).toBe('saving');
    expect(nextStatus('stopping', { type: 'abandoned' })).toBe('stopped'); // stopped while building: nothing to save
    expect(where({ type: 'abandoned' })).toEqual(['stopping']);
  });
  it('every end goes through saving, and the record being stored settles it by its reason', () => {
    for (const s of ['configuring', 'running', 'pausing', 'paused', 'stopping', 'recovering'] as const) {
      for (const r of ['completed', 'stopped', 'error'] as const) expect(nextStatus(s, ended(r)), `${s} ${r}`).toBe('saving');
    }
    expect(nextStatus('saving', saved('completed'))).toBe('done');
    expect(nextStatus('saving', saved('stopped'))).toBe('stopped');
    expect(nextStatus('saving', saved('error'))).toBe('error');
    expect(where(saved('completed'))).toEqual(['saving']);
    for (const s of ['idle', 'saving', 'done', 'stopped', 'error'] as const) expect(nextStatus(s, ended('completed')), s).toBeNull();
  });
  it('resumes only a recovering or failed run (and a stopping one, which stays stopping)', () => {
    const resumable = STATUSES.filter((s) => nextStatus(s, { type: 'resumed', step: 4, status: 'running' }) !== null);
    expect(resumable.sort()).toEqual(['error', 'recovering', 'stopping']);
    expect(nextStatus('recovering', { type: 'resumed', step: 4, status: 'paused' })).toBe('paused');
  });
  it('recovers from faults only while a run goes, or after it failed', () => {
    const recoverable = STATUSES.filter((s) => nextStatus(s, { type: 'recovering', notice: null }) === 'recovering');
    expect(recoverable.sort()).toEqual(['error', 'paused', 'pausing', 'recovering', 'running']);
  });
  it('takes facts about the run in every status, without changing it', () => {
    for (const s of STATUSES) expect(nextStatus(s, { type: 'checkpointed', step: 3 })).toBe(s);
  });
  it('an end (completed, stopped, failed) never applies to an idle page', () => {
    expect(nextStatus('idle', ended('completed'))).toBeNull();
    expect(nextStatus('idle', { type: 'failed', error: 'x' })).toBe('error'); // a request failed before any run
  });
  it("locks the worker's set while a run trains on it or is saved, not while paused or finished", () => {
    const locked = STATUSES.filter(locksData);
    expect(locked.sort()).toEqual(['configuring', 'pausing', 'recovering', 'running', 'saving', 'stopping']);
  });
});

describe('reduceRun', () => {
  it('tracks a run from configure to done, keeping the probed capabilities across runs', () => {
    const capabilities = { webgpu: false, webgl: false, wasm: true, crossOriginIsolated: false, wasmThreads: 1, hardwareConcurrency: 1 };
    const s = run([
      { type: 'capabilities', capabilities },
      { type: 'configure', runId: 'r1', config },
      { type: 'status', status: 'running', step: 0 },
      { type: 'step', step: 20 },
      { type: 'step', step: 10 },
      { type: 'ended', reason: 'completed', step: 50 },
    ]);
    expect(s).toMatchObject({ status: 'saving', outcome: 'completed', saved: false, runId: 'r1', step: 50, startedAt: 1000, endedAt: 1000 });
    const settled = run([{ type: 'saved', reason: 'completed', stored: true }], s);
    expect(settled).toMatchObject({ status: 'done', saved: true, runId: 'r1', step: 50, startedAt: 1000, endedAt: 1000, totalSteps: 50, capabilities });
    expect(run([{ type: 'saved', reason: 'completed', stored: false }], s)).toMatchObject({ status: 'done', saved: false }); // IndexedDB refused: this tab only
    expect(run([{ type: 'configure', runId: 'r2', config }], settled)).toMatchObject({ status: 'configuring', runId: 'r2', step: 0, outcome: null, capabilities });
  });
  it('returns the same object for an ignored event (no store update)', () => {
    const done = at('done');
    expect(reduceRun(done, { type: 'status', status: 'running', step: 9 })).toBe(done);
  });
  it('a resume clears the failure and records the backend change', () => {
    const failed = run([{ type: 'ended', reason: 'error', step: 6, error: 'non-finite loss at step 7' }, saved('error')], at('running'));
    expect(failed).toMatchObject({ status: 'error', error: 'non-finite loss at step 7', outcome: 'error' });
    const recovery = { step: 4, from: 'webgpu', to: 'wasm', reason: 'lost', at: 1 };
    expect(run([{ type: 'recovering', notice: 'restarting' }, { type: 'resumed', step: 4, status: 'running', recovery }], failed)).toMatchObject({
      status: 'running',
      step: 4,
      error: null,
      endedAt: null,
      notice: 'restarting',
      recoveries: [recovery],
      outcome: null,
      saved: false,
    });
  });
  it('a stop while building ends the run stopped, with nothing saved', () => {
    const s = run([{ type: 'configure', runId: 'r', config }, ask('stop'), { type: 'abandoned' }]);
    expect(s).toMatchObject({ status: 'stopped', outcome: 'stopped', saved: false, endedAt: 1000, startedAt: null });
  });
  it('puts an interrupted run back as recovering, at its checkpoint', () => {
    const s = run([{ type: 'restore', run: { runId: 'r9', config, backend: null, paramCount: 7, step: 30, totalSteps: 50, startedAt: 5, recoveries: [] } }]);
    expect(s).toMatchObject({ status: 'recovering', runId: 'r9', step: 30, checkpointStep: 30, startedAt: 5, paramCount: 7 });
  });
});
