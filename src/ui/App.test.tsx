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
    for (const tab of ['Compare', 'Runs', 'Export', 'Train']) {
      fireEvent.click(screen.getByRole('tab', { name: tab }));
      expect(screen.getByRole('tabpanel').getAttribute('aria-label')).toBe(tab);
    }
    expect(screen.getAllByText(/seed:/)[0].textContent).toContain('0');
  });
});
