// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { DEFAULT_CONFIG } from '../engine/config/config.ts';
import { tinyMlmSet } from '../engine/testing/tiny_sets.ts';
import { StudentPanel } from './StudentPanel.tsx';
import { TrainPanel } from './TrainPanel.tsx';
import { makeHarness, renderWith, until } from './testing.tsx';

afterEach(cleanup);

const status = () => screen.getByTestId('run-status');
const button = (name: RegExp | string) => screen.getByRole('button', { name });

describe('TrainPanel', () => {
  it('shows pausing… at once on Pause, then paused; stopping… then saving… then stopped', async () => {
    const h = makeHarness({ hash: '#n_layers=1&d_model=8&n_heads=2&d_ff=16&max_len=12&report_every=5&eval_every=0&steps=100000' });
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    renderWith(h, <TrainPanel />);
    fireEvent.click(button('Train'));
    await waitFor(() => expect(status().getAttribute('data-status')).toBe('running'));
    fireEvent.click(button('Pause'));
    expect(status().textContent).toMatch(/^pausing…/);
    expect(button('Pausing…')).toHaveProperty('disabled', true);
    await waitFor(() => expect(status().getAttribute('data-status')).toBe('paused'));
    fireEvent.click(button('Stop'));
    expect(status().textContent).toMatch(/^stopping…/);
    expect(button('Stopping…')).toHaveProperty('disabled', true);
    await act(() => until(() => h.store.getState().run.saved));
    expect(status().textContent).toMatch(/^stopped · step \d+ \/ 100000 · saved$/);
  });

  it('says saving… while an ended run is stored, with Train held until it is', () => {
    const h = makeHarness();
    const s = h.store.getState();
    s.runEvent({ type: 'configure', runId: 'r', config: { ...DEFAULT_CONFIG, steps: 10 } });
    s.runEvent({ type: 'ended', reason: 'completed', step: 10 });
    renderWith(h, <TrainPanel />);
    expect(status().textContent).toMatch(/^saving… · step 10 \/ 10$/);
    expect(button('Train again')).toHaveProperty('disabled', true);
    expect(button('Stop')).toHaveProperty('disabled', true);
  });

  it('offers Stop while the student is being built', () => {
    const h = makeHarness();
    h.store.getState().runEvent({ type: 'configure', runId: 'r', config: { ...DEFAULT_CONFIG, steps: 10 } });
    renderWith(h, <TrainPanel />);
    expect(status().textContent).toMatch(/^building the student…/);
    expect(button('Stop')).toHaveProperty('disabled', false);
  });

  it('refuses a config whose step cannot fit, next to Train, with the numbers; the size card shows the same estimate', async () => {
    // trim_vocab false: under auto the ~20 ids the set uses would be trimmed to, and fit
    const h = makeHarness({ set: { ...tinyMlmSet(), vocabSize: 6_000_000 }, hash: '#trim_vocab=false' });
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'huge-vocab.safetensors');
    renderWith(h, (
      <>
        <StudentPanel />
        <TrainPanel />
      </>
    ));
    const refusal = screen.getByTestId('train-refusal');
    expect(refusal.textContent).toMatch(/^Cannot train this configuration: one step would make .* GiB.*6,000,000-token vocabulary/);
    expect(button('Train')).toHaveProperty('disabled', true);
    const card = screen.getByTestId('step-memory');
    expect(card.className).toContain('step-memory-over');
    expect(card.textContent).toMatch(/One training step needs about [\d.]+ GiB of the 3\.50 GiB wasm allows: too much/);
    expect(screen.getByTestId('vocab-trim').textContent).toMatch(/^Vocabulary kept whole \(trim_vocab false\): the set uses \d+ of 6,000,000 ids/);
  });

  it('a config that fits: the size card shows its step against the budget, and Train is offered', async () => {
    const h = makeHarness();
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    renderWith(h, (
      <>
        <StudentPanel />
        <TrainPanel />
      </>
    ));
    expect(screen.getByTestId('step-memory').textContent).toMatch(/^One training step needs about [\d.]+ MiB of the 3\.50 GiB wasm allows\.$/);
    expect(screen.queryByTestId('train-refusal')).toBeNull();
    expect(button('Train')).toHaveProperty('disabled', false);
  });
});
