// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { DEFAULT_CONFIG } from '../engine/config/config.ts';
import { TrainPanel } from './TrainPanel.tsx';
import { ResumeBanner } from './ResumeBanner.tsx';
import { DebugPanel } from './DebugPanel.tsx';
import { makeHarness, renderWith } from './testing.tsx';
import type { ResumeOffer } from '../store/resume_slice.ts';

afterEach(cleanup);

const offer: ResumeOffer = {
  runId: 'run-1',
  step: 40,
  totalSteps: 300,
  savedAt: Date.now() - 90_000,
  fileName: 'big.safetensors',
  fileBytes: 2e8,
  setStored: false,
  failed: null,
  fileMatches: null,
  message: null,
};

describe('TrainPanel after a failure', () => {
  it('shows the reason and offers to resume from the kept checkpoint; a notice says what the page did', () => {
    const h = makeHarness();
    const s = h.store.getState();
    s.runEvent({ type: 'configure', runId: 'run-1', config: { ...DEFAULT_CONFIG, steps: 100 } });
    s.runEvent({ type: 'checkpointed', step: 30 });
    s.runEvent({ type: 'notice', notice: 'The WebGPU device was lost (destroyed) at step 12: resumed from the checkpoint at step 10 on wasm.' });
    s.runEvent({ type: 'ended', reason: 'error', step: 37, error: 'non-finite loss at step 37 (loss NaN, grad norm 1.2)' });
    const resume = vi.fn(async () => undefined);
    h.session.resumeFromCheckpoint = resume;
    renderWith(h, <TrainPanel />);
    expect(screen.getByTestId('run-status').textContent).toMatch(/failed/);
    expect(screen.getByTestId('run-error').textContent).toBe('non-finite loss at step 37 (loss NaN, grad norm 1.2) — the checkpoint of step 30 is kept: resume from there.');
    expect(screen.getByRole('status').textContent).toMatch(/resumed from the checkpoint at step 10 on wasm/);
    expect(screen.getByTestId('run-checkpoint').textContent).toBe('30');
    fireEvent.click(screen.getByRole('button', { name: 'Resume from step 30' }));
    expect(resume).toHaveBeenCalledOnce();
  });

  it('offers no resume without a checkpoint', () => {
    const h = makeHarness();
    h.store.getState().runEvent({ type: 'configure', runId: 'run-1', config: { ...DEFAULT_CONFIG, steps: 100 } });
    h.store.getState().runEvent({ type: 'ended', reason: 'error', step: 3, error: 'non-finite loss at step 3' });
    renderWith(h, <TrainPanel />);
    expect(screen.queryByTestId('resume-checkpoint')).toBeNull();
  });
});

describe('ResumeBanner', () => {
  it('is absent without an interrupted run', () => {
    const h = makeHarness();
    renderWith(h, <ResumeBanner />);
    expect(screen.queryByTestId('resume-banner')).toBeNull();
  });

  it('asks for the file when it was too large to keep, and resumes once the same file is loaded', () => {
    const h = makeHarness();
    h.store.getState().offerResume({ ...offer, savedAt: Date.now() - 90_000 }); // now: a slow run must not make it 1 min 31 s
    const resume = vi.fn(async () => undefined);
    const discard = vi.fn(async () => undefined);
    h.session.resumeInterrupted = resume;
    h.session.discardInterrupted = discard;
    renderWith(h, <ResumeBanner />);
    expect(screen.getByTestId('resume-banner').textContent).toMatch(/A run on big\.safetensors was interrupted; its last checkpoint, at step 40 of 300, was saved 1 min 30 s ago\./);
    expect(screen.getByTestId('resume-needs-file').textContent).toMatch(/drop big\.safetensors \(200\.00 MB\) again to resume/);
    const button = screen.getByRole('button', { name: 'Resume from step 40' });
    expect(button).toHaveProperty('disabled', true);
    act(() => h.store.getState().updateOffer({ fileMatches: false, message: 'other.safetensors is not the file the run trained on' }));
    expect(screen.getByTestId('resume-error').textContent).toMatch(/not the file/);
    act(() => h.store.getState().updateOffer({ fileMatches: true, message: null }));
    expect(screen.getByTestId('resume-needs-file').textContent).toMatch(/is loaded and matches/);
    fireEvent.click(screen.getByRole('button', { name: 'Resume from step 40' }));
    expect(resume).toHaveBeenCalledOnce();
    fireEvent.click(screen.getByRole('button', { name: 'Discard' }));
    expect(discard).toHaveBeenCalledOnce();
  });

  it('resumes at once when the file was kept, and says the run had failed', () => {
    const h = makeHarness();
    h.store.getState().offerResume({ ...offer, setStored: true, failed: 'non-finite loss at step 44' });
    renderWith(h, <ResumeBanner />);
    expect(screen.queryByTestId('resume-needs-file')).toBeNull();
    expect(screen.getByTestId('resume-banner').textContent).toMatch(/It had failed after that checkpoint: non-finite loss at step 44/);
    expect(screen.getByRole('button', { name: 'Resume from step 40' })).toHaveProperty('disabled', false);
  });
});

describe('DebugPanel', () => {
  it('exists only on debug pages, and sends the fault asked for', async () => {
    renderWith(makeHarness(), <DebugPanel />);
    expect(screen.queryByTestId('debug-panel')).toBeNull();
    cleanup();
    const h = makeHarness({ debug: true });
    const inject = vi.fn(async () => undefined);
    h.session.injectFault = inject;
    renderWith(h, <DebugPanel />);
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Lose GPU device', 'Crash worker', 'Hang worker', 'NaN weights']);
    fireEvent.click(screen.getByRole('button', { name: 'Crash worker' }));
    expect(inject).toHaveBeenCalledWith('crash');
    expect((await screen.findByTestId('debug-message')).textContent).toBe('crash: sent');
  });
});
