// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { StudentPanel } from './StudentPanel.tsx';
import { makeHarness, renderWith } from './testing.tsx';
import { studentParamCount, studentSpec } from '../engine/model/spec.ts';

afterEach(cleanup);

describe('StudentPanel', () => {
  it('shows the live parameter count, size and compression against the teacher', async () => {
    const h = makeHarness();
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    renderWith(h, <StudentPanel />);
    const stats = screen.getByTestId('student-stats');
    const params = studentParamCount(studentSpec(h.store.getState().config.values, 'mlm', { vocabSize: 20 }));
    // defaults: 2 layers, d_model 128, V = 20 → ~0.4 M params; teacher 110 M
    expect(stats.textContent).toContain(`${(params / 1e3).toPrecision(3)} k`);
    expect(stats.textContent).toContain(`${Math.round(110e6 / params)}×`);
    fireEvent.change(screen.getByLabelText('layers'), { target: { value: '1' } });
    await waitFor(() => expect(h.store.getState().config.values.n_layers).toBe(1));
    const fewer = studentParamCount(studentSpec(h.store.getState().config.values, 'mlm', { vocabSize: 20 }));
    expect(fewer).toBeLessThan(params);
    expect(screen.getByTestId('student-stats').textContent).toContain(`${(fewer / 1e3).toPrecision(3)} k`);
  });

  it('flags heads that do not divide d_model', async () => {
    const h = makeHarness();
    await h.session.init();
    renderWith(h, <StudentPanel />);
    fireEvent.change(screen.getByLabelText('heads'), { target: { value: '3' } });
    await waitFor(() => expect(screen.getByLabelText('heads').getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByTestId('student-stats').textContent).toContain('—');
  });
});
