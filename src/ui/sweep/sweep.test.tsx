// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { SweepPanel } from './SweepPanel.tsx';
import { ParallelCoordsChart, rampColour } from '../charts/ParallelCoordsChart.tsx';
import { makeHarness, renderWith, until } from '../testing.tsx';
import { sweepFiles, sweepTableRows, bestRow, sortRows } from './sweep_view.ts';
import { RUN_METRICS } from '../runs/run_metrics.ts';

afterEach(cleanup);

const link = '#n_layers=1&d_model=8&n_heads=2&max_len=12&steps=10&report_every=5&eval_every=5';

describe('SweepPanel', () => {
  it('checks the values as they are typed, then runs the grid and its baseline into a sortable table', async () => {
    const h = makeHarness({ hash: link });
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    renderWith(h, <SweepPanel />);
    const values = screen.getByLabelText('values of temperature');
    fireEvent.change(values, { target: { value: '1, 0' } });
    await waitFor(() => expect(screen.getByTestId('sweep-form').textContent).toContain('config "temperature" must be > 0, found 0'));
    expect((screen.getByRole('button', { name: 'Run sweep' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(values, { target: { value: '1, 4' } });
    await waitFor(() => expect(screen.getByTestId('sweep-plan').textContent).toBe('3 runs (2 combinations + baseline), 30 steps in all'));
    fireEvent.click(screen.getByRole('button', { name: 'Run sweep' }));
    await until(() => h.store.getState().sweep.current?.status === 'done', 5000);
    const table = await screen.findByTestId('sweep-table');
    await waitFor(() => expect(table.querySelectorAll('tbody tr').length).toBe(3));
    const names = () => Array.from(table.querySelectorAll('tbody tr')).map((tr) => tr.getAttribute('data-row'));
    expect(names()).toEqual(['baseline-hard', 'temperature=1', 'temperature=4']); // by name
    expect(table.querySelector('tr[data-baseline=true]')?.textContent).toContain('baseline');
    fireEvent.click(screen.getByRole('button', { name: /^temperature/ }));
    expect(names()[2]).toBe('temperature=4'); // the baseline ran at T = 1 (the hard preset's)
    expect(table.querySelector('tr[data-baseline=true] td')?.textContent).toBe('1');
    fireEvent.click(screen.getByRole('button', { name: /^temperature/ }));
    expect(names()[0]).toBe('temperature=4');
    expect(screen.getByTestId('sweep-best').textContent).toMatch(/best by label loyalty/);
    expect(screen.getByTestId('chart-sweep-parallel').querySelectorAll('polyline').length).toBe(3);
  });
});

describe('sweep view', () => {
  it('writes sweep.json and sweep.csv in the CLI format, with the baseline flagged', async () => {
    const h = makeHarness({ hash: link });
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    await h.session.sweeps.start([{ key: 'temperature', values: [1, 4] }], { baseline: true });
    await until(() => h.store.getState().sweep.current?.status === 'done', 5000);
    const { sweep, runs } = h.store.getState();
    if (!sweep.current) throw new Error('no sweep');
    const files = sweepFiles(sweep.current, runs.list);
    const json = JSON.parse(files.json);
    expect(json).toMatchObject({ tool: 'distill-playground', grid: { temperature: [1, 4] }, data: 'tiny.safetensors' });
    expect(json.rows.map((r: { name: string; baseline: boolean }) => [r.name, r.baseline])).toEqual([['temperature=1', false], ['temperature=4', false], ['baseline-hard', true]]);
    expect(json.rows[0].final_metrics.label_loyalty).toBeGreaterThan(0);
    const [header, ...lines] = files.csv.trim().split('\n');
    expect(header.split(',').slice(0, 4)).toEqual(['name', 'temperature', 'baseline', 'label_loyalty']);
    expect(lines.map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['temperature=1,1,false', 'temperature=4,4,false', 'baseline-hard,1,true']);
    const rows = sweepTableRows(sweep.current, runs.list);
    const kl = RUN_METRICS.find((m) => m.id === 'kl');
    if (!kl) throw new Error('no kl metric');
    const best = bestRow(rows, kl);
    const lowest = sortRows(rows, { column: 'kl', descending: false }, [kl])[0];
    expect(best?.name).toBe(lowest.name); // lower KL is better
  });

  it('draws a line per run through its values, the best one thick, unfinished ones dashed', () => {
    render(
      <ParallelCoordsChart
        axes={[{ key: 'temperature', values: [1, 2] }, { key: 'divergence', values: ['kl', 'jsd'] }]}
        rows={[
          { name: 'a', values: { temperature: 1, divergence: 'kl' }, metric: 0.5, best: false },
          { name: 'b', values: { temperature: 2, divergence: 'jsd' }, metric: 0.7, best: true },
          { name: 'c', values: { temperature: 2, divergence: 'kl' }, metric: null, best: false },
        ]}
        metricLabel="label loyalty"
        higherIsBetter
      />,
    );
    const lines = Array.from(document.querySelectorAll('polyline'));
    const by = (n: string) => lines.find((l) => l.getAttribute('data-row') === n);
    expect(by('b')?.getAttribute('stroke-width')).toBe('4');
    expect(by('b')?.getAttribute('stroke')).toBe(rampColour(1));
    expect(by('a')?.getAttribute('stroke')).toBe(rampColour(0));
    expect(by('c')?.getAttribute('stroke-dasharray')).toBe('4 3');
    expect(by('c')?.getAttribute('points')?.split(' ')).toHaveLength(2); // no metric point
    expect(by('a')?.getAttribute('points')?.split(' ')).toHaveLength(3);
    expect(screen.getByRole('img').getAttribute('aria-label')).toMatch(/best: b/);
  });
});
