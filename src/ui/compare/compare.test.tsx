// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { SummaryTable } from './SummaryTable.tsx';
import { ConfusionMatrix } from './ConfusionMatrix.tsx';
import { ExampleBrowser, tokenText } from './ExampleBrowser.tsx';
import { ComparePanel } from './ComparePanel.tsx';
import { LangLoyaltyChart } from './LangLoyaltyChart.tsx';
import { makeHarness, renderWith, until } from '../testing.tsx';
import { fakeEval } from '../../engine/training/testing.ts';
import { tinyClassificationSet, tinyMlmSet } from '../../engine/testing/tiny_sets.ts';

afterEach(cleanup);

describe('SummaryTable', () => {
  it('puts teacher and student side by side with ratios, and says where each latency comes from', () => {
    render(<SummaryTable teacherName="bert" teacherParams={100e6} teacherMsPerExample={10} studentParams={1e6} studentMsPerExample={0.5} studentBackend="wasm" metrics={fakeEval(50).metrics} />);
    const rows = Array.from(screen.getByTestId('summary-table').querySelectorAll('tbody tr')).map((tr) => tr.textContent);
    expect(rows[0]).toBe('parameters100 M1.00 M (100× smaller)');
    expect(rows[1]).toBe('size (fp32)400.00 MB4.00 MB');
    // measured on different machines: no ratio
    expect(rows[2]).toBe("ms per example10.0 ms (the file's, measured on the exporter's hardware)0.500 ms (this browser, wasm)");
    expect(rows[3]).toContain('50.0 %');
    expect(rows[6]).toBe('accuracy vs labels90.0 %40.0 %');
    expect(screen.getByTestId('summary-table').querySelector('caption')?.textContent).toMatch(/no speed-up ratio is given/);
  });
  it('gives the ratio, slower too, when the teacher was measured in this browser', () => {
    render(<SummaryTable teacherMsPerExample={10} teacherMeasuredHere studentParams={1} studentMsPerExample={12.5} metrics={null} />);
    expect(screen.getByTestId('summary-table').textContent).toContain('10.0 ms (this browser)12.5 ms (1.3× slower), same browser');
  });
  it('adds loyalty on the masked positions for masked LM, and says why it differs', () => {
    const metrics = { ...fakeEval(50).metrics, masked_label_loyalty: 0.2, masked_prob_loyalty: 0.3 };
    render(<SummaryTable studentParams={1} studentMsPerExample={null} metrics={metrics} />);
    const table = screen.getByTestId('summary-table');
    expect(table.textContent).toContain('label loyalty, masked positions100 % (reference)20.0 %');
    expect(table.textContent).toContain('prob loyalty, masked positions100 % (reference)30.0 %');
    expect(table.querySelector('caption')?.textContent).toMatch(/copy through/);
  });
  it('shows dashes before any evaluation', () => {
    render(<SummaryTable studentParams={null} studentMsPerExample={null} metrics={null} />);
    expect(screen.getByTestId('summary-table').textContent).toContain('—');
  });
});

describe('ConfusionMatrix', () => {
  it('lays counts out teacher × student with class names and the agreement count', () => {
    render(<ConfusionMatrix confusion={{ numClasses: 2, counts: new Int32Array([5, 1, 2, 7]), examples: 15, scope: 'held-out split (15 examples)' }} labelNames={['neg', 'pos']} />);
    const table = screen.getByTestId('confusion-matrix');
    expect(table.textContent).toContain('agrees with the teacher on 12 of 15');
    const cells = Array.from(table.querySelectorAll('tbody td')).map((td) => td.textContent);
    expect(cells).toEqual(['5', '1', '2', '7']);
  });
});

describe('LangLoyaltyChart', () => {
  it('draws one group of bars per language', () => {
    const { container } = render(<LangLoyaltyChart perLang={fakeEval(10).metrics.per_lang} width={400} height={200} />);
    expect(container.querySelector('[data-testid=chart-loyalty-per-language]')?.getAttribute('data-points')).toBe('1');
  });
});

describe('ExampleBrowser', () => {
  it('names tokens from the vocabulary, by id without one, and the dropped-token bucket (−1) as such', () => {
    expect(tokenText(['a', 'b'], 1)).toBe('b');
    expect(tokenText(null, 7)).toBe('#7');
    expect(tokenText(['a', 'b'], -1)).toBe('(any dropped token)');
  });
  it('renders vocabulary strings as text (never HTML) and shows both top-5 lists on click', async () => {
    const h = makeHarness();
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    await h.store.getState().replaceConfig({ ...h.store.getState().config.values, n_layers: 1, d_model: 8, n_heads: 2, steps: 4 });
    renderWith(h, <ExampleBrowser />);
    const tokens = await screen.findByTestId('example-tokens');
    // find an example containing the markup-looking token "<b>" (id 2 + 9 = 11)
    const set = tinyMlmSet();
    let index = 0;
    while (!Array.from(set.inputIds.subarray(index * 12, index * 12 + 12)).includes(11)) index++;
    fireEvent.change(screen.getByRole('spinbutton'), { target: { value: String(index) } });
    await waitFor(() => expect(tokens.textContent).toContain('<b>'));
    expect(tokens.querySelector('b')).toBeNull();
    // no student yet: no agreement colours; click a token for the teacher's top list
    fireEvent.click(tokens.querySelector('.tok') as HTMLElement);
    const pair = await screen.findByTestId('topk-pair');
    expect(pair.textContent).toContain('teacher');
    expect(pair.textContent).toContain('Train a student');
    expect(pair.querySelectorAll('.topk li').length).toBe(4); // the set keeps k = 4
  });

  it('colours tokens by agreement once a student exists', async () => {
    const h = makeHarness({ hash: '#n_layers=1&d_model=8&n_heads=2&max_len=12&steps=5&report_every=5&eval_every=5' });
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    await h.session.train();
    await until(() => h.store.getState().run.saved);
    renderWith(h, <ExampleBrowser />);
    const tokens = await screen.findByTestId('example-tokens');
    await waitFor(() => expect(tokens.querySelectorAll('.tok-agree, .tok-disagree').length).toBeGreaterThan(0));
    fireEvent.click(tokens.querySelector('.tok') as HTMLElement);
    const pair = await screen.findByTestId('topk-pair');
    expect(pair.querySelectorAll('.topk').length).toBe(2);
  });
});

describe('ComparePanel', () => {
  it('counts a confusion matrix for a classification set', async () => {
    const h = makeHarness({ set: tinyClassificationSet(), hash: '#n_layers=1&d_model=8&n_heads=2&max_len=12&steps=5&report_every=5&eval_every=5' });
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'c.safetensors');
    await h.session.train();
    await until(() => h.store.getState().run.saved);
    renderWith(h, <ComparePanel />);
    expect(screen.getByTestId('summary-table').textContent).toContain('0.750 ms');
    fireEvent.click(screen.getByRole('button', { name: 'Count' }));
    const matrix = await screen.findByTestId('confusion-matrix');
    expect(matrix.textContent).toContain('negative');
    expect(matrix.textContent).toContain('held-out split');
  });
});
