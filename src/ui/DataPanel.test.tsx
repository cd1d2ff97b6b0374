// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { DataPanel } from './DataPanel.tsx';
import { makeHarness, renderWith } from './testing.tsx';
import { tinyClassificationSet } from '../engine/testing/tiny_sets.ts';

afterEach(cleanup);

const pick = (container: HTMLElement, file: File) => {
  const input = container.querySelector('[data-testid=file-input]');
  if (!(input instanceof HTMLInputElement)) throw new Error('no file input');
  fireEvent.change(input, { target: { files: [file] } });
};

describe('DataPanel', () => {
  it('shows the summary card of a picked file', async () => {
    const h = makeHarness();
    await h.session.init();
    const { container } = renderWith(h, <DataPanel />);
    pick(container, new File([new Uint8Array(2048)], 'tiny.safetensors'));
    const card = await screen.findByTestId('data-summary');
    expect(card.textContent).toContain('masked LM');
    expect(card.textContent).toContain('top-4 logits + logsumexp');
    expect(card.textContent).toContain('tiny-teacher · 110 M params');
    expect(card.textContent).toContain('en 16 · de 16 · fr 16');
    expect(card.textContent).toContain('H = 8');
  });

  it('names the classes of a classification set', async () => {
    const h = makeHarness({ set: tinyClassificationSet() });
    await h.session.init();
    const { container } = renderWith(h, <DataPanel />);
    pick(container, new File(['x'], 'c.npz'));
    const card = await screen.findByTestId('data-summary');
    expect(card.textContent).toContain('3: negative, neutral, positive');
    expect(card.textContent).toContain('dense logits');
  });

  it('accepts a dropped file', async () => {
    const h = makeHarness();
    await h.session.init();
    renderWith(h, <DataPanel />);
    fireEvent.drop(screen.getByTestId('dropzone'), { dataTransfer: { files: [new File(['x'], 'dropped.jsonl')] } });
    await waitFor(() => expect(h.store.getState().data.fileName).toBe('dropped.jsonl'));
  });

  it('shows a specific message for a bad file and stays usable', async () => {
    const h = makeHarness({ failWith: 'labels: wrong_shape (expected [N=4, L=8], found [4, 9])' });
    await h.session.init();
    const { container } = renderWith(h, <DataPanel />);
    pick(container, new File(['x'], 'broken.safetensors'));
    const alert = await screen.findByTestId('data-error');
    expect(alert.textContent).toContain('Could not read broken.safetensors');
    expect(alert.textContent).toContain('expected [N=4, L=8], found [4, 9]');
    expect(screen.getByRole('button', { name: 'Choose file…' })).toHaveProperty('disabled', false);
  });

  it('shows read progress while loading', () => {
    const h = makeHarness();
    renderWith(h, <DataPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Load demo' }));
    h.store.getState().dataLoading('big.safetensors', 4e6);
    h.store.getState().dataProgress(1e6, 4e6);
    return waitFor(() => expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('25'));
  });
});
