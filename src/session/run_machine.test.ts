import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../engine/config/config.ts';
import { IDLE_RUN, isActive, nextStatus, reduceRun, RUN_TRANSITIONS, type RunEvent, type RunState, type RunStatus } from './run_machine.ts';

const config = { ...DEFAULT_CONFIG, steps: 50 };
const STATUSES = Object.keys(RUN_TRANSITIONS) as RunStatus[];
const at = (status: RunStatus): RunState => ({ ...IDLE_RUN, status, runId: 'r', config, totalSteps: 50 });
const run = (events: RunEvent[], from: RunState = IDLE_RUN) => events.reduce((s, e) => reduceRun(s, e, 1000), from);

describe('RUN_TRANSITIONS', () => {
  it('covers the eight statuses', () => {
    expect(STATUSES.sort()).toEqual(['configuring', 'done', 'error', 'idle', 'paused', 'recovering', 'running', 'stopped']);
  });
  it('starts a run only when none is going', () => {
    const startable = STATUSES.filter((s) => nextStatus(s, { type: 'configure', runId: 'r', config }) === 'configuring');
    expect(startable.sort()).toEqual(['done', 'error', 'idle', 'stopped']);
    for (const s of STATUSES) expect(isActive(s), s).toBe(!startable.includes(s));
  });
  it('a finished run stays finished: late running / paused statuses from the worker are ignored', () => {
    for (const s of ['done', 'stopped', 'error'] as const) {
      expect(nextStatus(s, { type: 'status', status: 'running' }), s).toBeNull();
      expect(nextStatus(s, { type: 'status', status: 'paused' }), s).toBeNull();
    }
  });
  it('resumes only a recovering or failed run', () => {
    const resumable = STATUSES.filter((s) => nextStatus(s, { type: 'resumed', step: 4, status: 'running' }) !== null);
    expect(resumable.sort()).toEqual(['error', 'recovering']);
    expect(nextStatus('recovering', { type: 'resumed', step: 4, status: 'paused' })).toBe('paused');
  });
  it('recovers from faults only while a run goes, or after it failed', () => {
    const recoverable = STATUSES.filter((s) => nextStatus(s, { type: 'recovering', notice: null }) !== null);
    expect(recoverable.sort()).toEqual(['error', 'paused', 'recovering', 'running']);
  });
  it('takes facts about the run in every status, without changing it', () => {
    for (const s of STATUSES) expect(nextStatus(s, { type: 'checkpointed', step: 3 })).toBe(s);
  });
  it('an end (completed, stopped, failed) never applies to an idle page', () => {
    expect(nextStatus('idle', { type: 'ended', reason: 'completed', step: 3 })).toBeNull();
    expect(nextStatus('idle', { type: 'failed', error: 'x' })).toBe('error'); // a request failed before any run
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
    expect(s).toMatchObject({ status: 'done', runId: 'r1', step: 50, startedAt: 1000, endedAt: 1000, totalSteps: 50, capabilities });
    expect(run([{ type: 'configure', runId: 'r2', config }], s)).toMatchObject({ status: 'configuring', runId: 'r2', step: 0, capabilities });
  });
  it('returns the same object for an ignored event (no store update)', () => {
    const done = at('done');
    expect(reduceRun(done, { type: 'status', status: 'running', step: 9 })).toBe(done);
  });
  it('a resume clears the failure and records the backend change', () => {
    const failed = run([{ type: 'ended', reason: 'error', step: 6, error: 'non-finite loss at step 7' }], at('running'));
    expect(failed).toMatchObject({ status: 'error', error: 'non-finite loss at step 7' });
    const recovery = { step: 4, from: 'webgpu', to: 'wasm', reason: 'lost', at: 1 };
    expect(run([{ type: 'recovering', notice: 'restarting' }, { type: 'resumed', step: 4, status: 'running', recovery }], failed)).toMatchObject({
      status: 'running',
      step: 4,
      error: null,
      endedAt: null,
      notice: 'restarting',
      recoveries: [recovery],
    });
  });
  it('puts an interrupted run back as recovering, at its checkpoint', () => {
    const s = run([{ type: 'restore', run: { runId: 'r9', config, backend: null, paramCount: 7, step: 30, totalSteps: 50, startedAt: 5, recoveries: [] } }]);
    expect(s).toMatchObject({ status: 'recovering', runId: 'r9', step: 30, checkpointStep: 30, startedAt: 5, paramCount: 7 });
  });
});
