// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { RunsPanel } from './RunsPanel.tsx';
import { ExportPanel } from './ExportPanel.tsx';
import { makeHarness, renderWith, until } from './testing.tsx';
import { reportOf } from '../store/run_record.ts';

afterEach(cleanup);

async function trainedHarness() {
  const h = makeHarness({ hash: '#n_layers=1&d_model=8&n_heads=2&max_len=12&steps=10&report_every=5&eval_every=5' });
  await h.session.init();
  await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
  await h.session.train();
  await until(() => h.store.getState().run.saved);
  return h;
}

describe('RunsPanel', () => {
  it('lists runs, overlays the picked ones and deletes', async () => {
    const h = await trainedHarness();
    renderWith(h, <RunsPanel smoothing={0} logScale={false} />);
    const table = screen.getByTestId('runs-table');
    expect(table.querySelectorAll('tbody tr').length).toBe(1);
    expect(table.textContent).toContain('tiny.safetensors (mlm)');
    expect(table.textContent).toContain('10/10');
    expect(screen.getByTestId('chart-runs-loss').getAttribute('data-points')).toBe('0');
    fireEvent.click(screen.getByRole('checkbox'));
    await waitFor(() => expect(screen.getByTestId('chart-runs-loss').getAttribute('data-points')).toBe('10'));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByTestId('runs-table')).toBeNull());
  });

  it('imports a report file into the table, and explains a bad one', async () => {
    const h = await trainedHarness();
    const report = JSON.stringify(reportOf(h.store.getState().runs.list[0]));
    renderWith(h, <RunsPanel smoothing={0} logScale={false} />);
    fireEvent.change(screen.getByTestId('import-report'), { target: { files: [new File([report], 'run.report.json')] } });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(screen.getByTestId('import-message').textContent).toContain('imported'));
    expect(screen.getByTestId('runs-table').querySelectorAll('tbody tr').length).toBe(2);
    fireEvent.change(screen.getByTestId('import-report'), { target: { files: [new File(['{"config": 1}'], 'bad.json')] } });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(screen.getByTestId('import-message').textContent).toContain('no "config" object'));
  });

  it('"Use config" puts a run config back in the form', async () => {
    const h = await trainedHarness();
    h.store.getState().setConfigValue('seed', 99);
    renderWith(h, <RunsPanel smoothing={0} logScale={false} />);
    fireEvent.click(screen.getByRole('button', { name: 'Use config' }));
    expect(h.store.getState().config.values.seed).toBe(0);
  });
});

describe('ExportPanel', () => {
  it('offers the stored run with its charts', async () => {
    const h = await trainedHarness();
    renderWith(h, <ExportPanel smoothing={0} logScale={false} />);
    expect(screen.getByRole('button', { name: 'model.safetensors' })).toHaveProperty('disabled', false);
    expect(screen.getByRole('button', { name: 'report.json' })).toBeTruthy();
    expect(screen.getByTestId('chart-export-loss')).toBeTruthy();
  });
});
