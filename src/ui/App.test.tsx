// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { App } from './App.tsx';
import { makeHarness, renderWith } from './testing.tsx';

afterEach(cleanup);

describe('App', () => {
  it('renders every tab without data', async () => {
    const h = makeHarness();
    await h.session.init();
    renderWith(h, <App />);
    expect(screen.getByRole('button', { name: 'Train' })).toHaveProperty('disabled', true);
    for (const tab of ['Compare', 'Runs', 'Sweep', 'Export', 'Train']) {
      fireEvent.click(screen.getByRole('tab', { name: tab }));
      expect(screen.getByRole('tabpanel', { name: tab })).toBeTruthy();
    }
    expect(screen.getAllByText(/seed:/)[0].textContent).toContain('0');
  });

  it('moves between tabs with the arrow keys, Home and End; only the selected tab is a tab stop', async () => {
    const h = makeHarness();
    await h.session.init();
    renderWith(h, <App />);
    const train = screen.getByRole('tab', { name: 'Train' });
    expect(screen.getAllByRole('tab').map((t) => t.getAttribute('tabindex'))).toEqual(['0', '-1', '-1', '-1', '-1']);
    train.focus();
    fireEvent.keyDown(train, { key: 'ArrowRight' });
    expect(screen.getByRole('tab', { name: 'Compare' }).getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Compare' }));
    fireEvent.keyDown(document.activeElement as Element, { key: 'End' });
    expect(screen.getByRole('tabpanel', { name: 'Export' })).toBeTruthy();
    fireEvent.keyDown(document.activeElement as Element, { key: 'ArrowRight' }); // wraps around
    expect(document.activeElement).toBe(train);
    fireEvent.keyDown(train, { key: 'ArrowLeft' });
    expect(screen.getByRole('tab', { name: 'Export' }).getAttribute('aria-selected')).toBe('true');
  });

  it('a skip link leads past the form to the Train button', async () => {
    const h = makeHarness();
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    renderWith(h, <App />);
    fireEvent.click(screen.getByRole('link', { name: 'Skip to training' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Train' }));
  });

  it('names every chart button for its chart', async () => {
    const h = makeHarness();
    await h.session.init();
    renderWith(h, <App />);
    const names = screen.getAllByRole('button', { name: /as PNG$/ }).map((b) => b.getAttribute('aria-label'));
    expect(names).toEqual(['Save Loss chart as PNG', 'Save Loyalty (held-out) chart as PNG', expect.stringMatching(/^Save .* chart as PNG$/), expect.stringMatching(/^Save .* chart as PNG$/)]);
    expect(new Set(names).size).toBe(names.length);
  });
});
