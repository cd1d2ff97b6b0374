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
    expect(table.textContent).toContain('KD only'); // the recipe, by its preset
    expect(screen.getByTestId('chart-runs-metric').getAttribute('data-points')).toBe('0');
    fireEvent.click(screen.getByRole('checkbox'));
    // held-out KL by default: the step-0 baseline and two evaluations
    await waitFor(() => expect(screen.getByTestId('chart-runs-metric').getAttribute('data-points')).toBe('3'));
    fireEvent.change(screen.getByTestId('runs-metric'), { target: { value: 'train_kd' } });
    await waitFor(() => expect(screen.getByTestId('chart-runs-metric').getAttribute('data-points')).toBe('10'));
    const options = Array.from(screen.getByTestId('runs-metric').querySelectorAll('option')).map((o) => o.textContent);
    expect(options).toEqual(expect.arrayContaining(['held-out KL(teacher ‖ student), nats', 'train kd loss (unweighted)', 'held-out kd loss (unweighted)', 'en: label loyalty']));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByTestId('runs-table')).toBeNull());
  });

  it('renames, tags and notes a run; the config diff shows only the keys that differ', async () => {
    const h = await trainedHarness();
    h.store.getState().setConfigValue('temperature', 4);
    await h.session.train();
    await until(() => h.store.getState().runs.list.length === 2 && h.store.getState().run.saved);
    renderWith(h, <RunsPanel smoothing={0} logScale={false} />);
    const first = h.store.getState().runs.list[1];
    fireEvent.click(screen.getByRole('button', { name: `edit ${first.name}` }));
    const form = screen.getByRole('form', { name: `edit ${first.name}` });
    fireEvent.change(form.querySelectorAll('input')[0], { target: { value: 'T=2 run' } });
    fireEvent.change(form.querySelectorAll('input')[1], { target: { value: 'kd, first' } });
    fireEvent.change(form.querySelector('textarea') as HTMLTextAreaElement, { target: { value: 'baseline for T' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByTestId('runs-table').textContent).toContain('T=2 run'));
    expect(screen.getByTestId('runs-table').textContent).toContain('baseline for T');
    expect((await (await h.db).list()).find((r) => r.id === first.id)).toMatchObject({ name: 'T=2 run', tags: ['kd', 'first'], note: 'baseline for T' });
    for (const box of screen.getAllByRole('checkbox')) fireEvent.click(box);
    const diff = await screen.findByTestId('config-diff');
    expect(Array.from(diff.querySelectorAll('tbody tr')).map((tr) => tr.getAttribute('data-key'))).toEqual(['temperature']);
    expect(diff.textContent).toMatch(/4.*2|2.*4/);
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
