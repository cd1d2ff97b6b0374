// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { RecipePanel } from './RecipePanel.tsx';
import { makeHarness, renderWith } from './testing.tsx';

afterEach(cleanup);

const value = (label: string) => (screen.getByLabelText(label) as HTMLInputElement).value;

describe('RecipePanel', () => {
  it('applies presets to every loss knob', async () => {
    const h = makeHarness();
    await h.session.init();
    renderWith(h, <RecipePanel />);
    fireEvent.click(screen.getByRole('button', { name: 'DistilBERT triple loss' }));
    await waitFor(() => expect(value('α KD')).toBe('5'));
    expect([value('α hard'), value('α cos'), value('temperature')]).toEqual(['2', '1', '2']);
    expect(screen.getByRole('button', { name: 'DistilBERT triple loss' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'DistiLLM skew KL' }));
    await waitFor(() => expect((screen.getByLabelText('divergence') as HTMLSelectElement).value).toBe('skew_kl'));
  });

  it('edits optimiser and run knobs, and shows the validation message', async () => {
    const h = makeHarness();
    await h.session.init();
    renderWith(h, <RecipePanel />);
    fireEvent.change(screen.getByLabelText('learning rate'), { target: { value: '0.0003' } });
    fireEvent.change(screen.getByLabelText('seed'), { target: { value: '7' } });
    fireEvent.change(screen.getByLabelText('backend'), { target: { value: 'wasm' } });
    await waitFor(() => expect(h.store.getState().config.values).toMatchObject({ lr: 0.0003, seed: 7, backend: 'wasm' }));
    fireEvent.change(screen.getByLabelText('α KD'), { target: { value: '0' } });
    expect((await screen.findByTestId('config-error')).textContent).toMatch(/loss weight/);
  });

  it('refuses in the field what the merge refuses (temperature 0), with the same reason', async () => {
    const h = makeHarness();
    await h.session.init();
    renderWith(h, <RecipePanel />);
    const temperature = screen.getByLabelText('temperature');
    expect(temperature.getAttribute('min')).toBe('0.5'); // > 0, one step in
    fireEvent.change(temperature, { target: { value: '0' } });
    await waitFor(() => expect(temperature.getAttribute('aria-invalid')).toBe('true'));
    // the reason beside the field, tied to it
    const message = document.getElementById(temperature.getAttribute('aria-describedby') ?? '');
    expect(message?.textContent).toBe('config "temperature" must be > 0, found 0');
    expect((await screen.findByTestId('config-error')).textContent).toBe('config "temperature" must be > 0, found 0');
    fireEvent.change(temperature, { target: { value: '0.1' } });
    await waitFor(() => expect(temperature.getAttribute('aria-invalid')).toBe('false'));
    expect(temperature.getAttribute('aria-describedby')).toBeNull();
  });

  it('a fractional step count is a draft: said beside the field, and the config cannot train', async () => {
    const h = makeHarness();
    await h.session.init();
    renderWith(h, <RecipePanel />);
    const steps = screen.getByLabelText('steps');
    fireEvent.change(steps, { target: { value: '1.5' } });
    await waitFor(() => expect(screen.getByTestId('field-message-steps').textContent).toBe('"1.5" is not a whole number'));
    expect(steps.getAttribute('aria-invalid')).toBe('true');
    expect(h.store.getState().config.drafts).toEqual({ steps: '"1.5" is not a whole number' });
    fireEvent.change(steps, { target: { value: '0' } });
    await waitFor(() => expect(screen.getByTestId('field-message-steps').textContent).toMatch(/at least 1 to train/));
    fireEvent.change(steps, { target: { value: '12' } });
    await waitFor(() => expect(screen.queryByTestId('field-message-steps')).toBeNull());
    expect(h.store.getState().config.drafts).toEqual({});
  });

  it("eval every: empty is 'auto', with what it resolves to", async () => {
    const h = makeHarness({ hash: '#steps=60' });
    await h.session.init();
    renderWith(h, <RecipePanel />);
    const every = screen.getByLabelText('eval every') as HTMLInputElement;
    expect(every.value).toBe('');
    expect(every.placeholder).toBe('auto: every 3 steps');
    fireEvent.change(every, { target: { value: '10' } });
    await waitFor(() => expect(h.store.getState().config.values.eval_every).toBe(10));
    fireEvent.change(every, { target: { value: '' } });
    await waitFor(() => expect(h.store.getState().config.values.eval_every).toBe('auto'));
  });

  it('locks the form while a run trains', async () => {
    const h = makeHarness({ hash: '#n_layers=1&d_model=8&n_heads=2&max_len=12&steps=100000&report_every=5' });
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    renderWith(h, <RecipePanel />);
    await h.session.train();
    await waitFor(() => expect((screen.getByLabelText('learning rate') as HTMLInputElement).disabled).toBe(true));
    expect(screen.getByTestId('form-locked')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'KD only' }) as HTMLButtonElement).disabled).toBe(true);
    await h.session.stop();
    await waitFor(() => expect((screen.getByLabelText('learning rate') as HTMLInputElement).disabled).toBe(false));
  });

  it('shows what the worker detected', async () => {
    const h = makeHarness();
    await h.session.init();
    renderWith(h, <RecipePanel />);
    expect(screen.getByTestId('backend-info').textContent).toContain('none in tests');
  });
});
