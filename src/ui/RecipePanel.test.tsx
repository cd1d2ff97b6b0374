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
    expect(temperature.closest('label')?.getAttribute('title')).toBe('config "temperature" must be > 0, found 0');
    expect((await screen.findByTestId('config-error')).textContent).toBe('config "temperature" must be > 0, found 0');
    fireEvent.change(temperature, { target: { value: '0.1' } });
    await waitFor(() => expect(temperature.getAttribute('aria-invalid')).toBe('false'));
  });

  it('shows what the worker detected', async () => {
    const h = makeHarness();
    await h.session.init();
    renderWith(h, <RecipePanel />);
    expect(screen.getByTestId('backend-info').textContent).toContain('none in tests');
  });
});
