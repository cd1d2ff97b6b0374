// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { LossChart } from './LossChart.tsx';
import { LoyaltyChart } from './LoyaltyChart.tsx';
import { SpeedChart } from './SpeedChart.tsx';
import { OptimChart } from './OptimChart.tsx';
import { fakeEval } from '../../engine/training/testing.ts';
import type { StepRecord } from '../../engine/trainer_types.ts';

afterEach(cleanup);

const history: StepRecord[] = Array.from({ length: 30 }, (_, i) => ({
  step: i + 1,
  total: 3 / (i + 1),
  kd: 2 / (i + 1),
  hard: 1 / (i + 1),
  lr: 1e-3,
  grad_norm: 1,
  ms_per_step: 10 + (i % 3),
  tokens_per_s: 1000 - i,
}));
const evals = [fakeEval(10), fakeEval(20), fakeEval(30)];

const points = (container: HTMLElement, name: string) => Number(container.querySelector(`[data-testid=chart-${name}]`)?.getAttribute('data-points'));

describe('charts (pure: plain arrays in)', () => {
  it('loss chart draws train components and held-out losses', () => {
    const { container } = render(<LossChart history={history} evals={evals} smoothing={0.5} logScale={false} width={500} height={240} />);
    expect(points(container, 'loss')).toBe(30);
    expect(container.querySelectorAll('path.recharts-curve').length).toBe(5); // train total, kd, hard + held-out total, kd
    expect(container.textContent).toContain('held-out total');
  });
  it('loss chart on a log axis drops values ≤ 0', () => {
    const withZero = history.map((r, i) => (i === 0 ? { ...r, total: 0 } : r));
    const { container } = render(<LossChart history={withZero} evals={[]} smoothing={0} logScale width={500} height={240} />);
    expect(container.querySelector('.recharts-surface')).not.toBeNull();
    expect(points(container, 'loss')).toBe(30); // the row stays for kd/hard; only total loses its point
  });
  it('loss chart overlays other runs by label', () => {
    const { container } = render(
      <LossChart history={[]} evals={[]} overlays={[{ id: 'a', label: 'run A', history, evals }]} smoothing={0} logScale={false} width={500} height={240} name="runs-loss" />,
    );
    expect(points(container, 'runs-loss')).toBe(30);
    expect(container.textContent).toContain('run A');
  });
  it('two overlaid runs with the same label get two lines', () => {
    const { container } = render(
      <LossChart
        history={[]}
        evals={[]}
        overlays={[{ id: 'a', label: 'same', history, evals }, { id: 'b', label: 'same', history, evals }]}
        smoothing={0}
        logScale={false}
        width={500}
        height={240}
        name="runs-loss"
      />,
    );
    expect(container.querySelectorAll('path.recharts-curve').length).toBe(2);
  });
  it('loyalty chart plots label and prob loyalty per eval', () => {
    const { container } = render(<LoyaltyChart evals={evals} width={500} height={240} />);
    expect(points(container, 'loyalty')).toBe(3);
    expect(container.textContent).toContain('label loyalty');
    expect(container.textContent).toContain('prob loyalty');
  });
  it('speed chart plots tokens/s and ms/step', () => {
    const { container } = render(<SpeedChart history={history} smoothing={0} width={500} height={240} />);
    expect(points(container, 'speed')).toBe(30);
    expect(container.querySelectorAll('path.recharts-curve').length).toBe(2);
  });
  it('optimiser chart plots the learning rate and the gradient norm', () => {
    const { container } = render(<OptimChart history={history} smoothing={0} width={500} height={240} />);
    expect(points(container, 'optimiser')).toBe(30);
    expect(container.querySelectorAll('path.recharts-curve').length).toBe(2);
    expect(container.textContent).toContain('grad norm (before clip)');
  });
  it('an empty chart says so instead of drawing axes', () => {
    const { container } = render(<SpeedChart history={[]} smoothing={0} width={500} height={240} />);
    expect(points(container, 'speed')).toBe(0);
    expect(container.textContent).toContain('no points yet');
    expect(container.querySelector('svg')).toBeNull();
  });
});
