/**
 * Loss components over steps: train (solid) and held-out (dashed, at eval steps), optionally with other runs'
 * total train loss overlaid. Pure: plain arrays in, SVG out; memoised, so it re-renders once per batch.
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalRecord, LossComponents, StepRecord } from '../../engine/trainer_types.ts';
import { LOSS_NAMES } from '../../engine/losses/names.ts';
import { ChartFrame } from './ChartFrame.tsx';
import {
  AXIS_TICK,
  CHART_MARGIN,
  MAX_POINTS,
  PALETTE,
  SMALL_DOT,
  extent,
  formatStepLabel,
  formatTick,
  formatValue,
  logTicks,
  mergeSeries,
  niceTicks,
  pointsOf,
  positiveOnly,
  smoothPoints,
  stepTicks,
  thin,
  type LegendItem,
  type Point,
} from './chart_data.ts';

export interface OverlayRun {
  id: string;
  label: string;
  history: readonly StepRecord[];
  evals: readonly EvalRecord[];
}

export interface LossChartProps {
  history: readonly StepRecord[];
  evals: readonly EvalRecord[];
  overlays?: readonly OverlayRun[];
  /** EMA weight in [0, 1). */
  smoothing: number;
  logScale: boolean;
  width?: number;
  height?: number;
  title?: string;
  name?: string;
}

const COMPONENTS: readonly (keyof LossComponents)[] = ['total', ...LOSS_NAMES];
const NO_OVERLAYS: readonly OverlayRun[] = [];

interface Series {
  key: string;
  name: string;
  colour: string;
  heldOut: boolean;
  points: Point[];
}

function buildSeries(history: readonly StepRecord[], evals: readonly EvalRecord[], overlays: readonly OverlayRun[], smoothing: number, logScale: boolean): Series[] {
  const prep = (points: Point[], smoothed: boolean) => {
    const s = smoothed ? smoothPoints(points, smoothing) : points;
    return thin(logScale ? positiveOnly(s) : s, MAX_POINTS);
  };
  const out: Series[] = [];
  COMPONENTS.forEach((c, i) => {
    const train = pointsOf(history, (r) => r[c]);
    if (train.length > 0) out.push({ key: `train ${c}`, name: `train ${c}`, colour: PALETTE[i], heldOut: false, points: prep(train, true) });
  });
  COMPONENTS.forEach((c, i) => {
    const held = pointsOf(evals, (e) => e.metrics.loss?.[c]);
    if (held.length > 0) out.push({ key: `held-out ${c}`, name: `held-out ${c}`, colour: PALETTE[i], heldOut: true, points: prep(held, false) });
  });
  // Overlaid runs are keyed by id (two runs may share a label); the legend shows the label.
  overlays.forEach((run, i) => {
    const train = pointsOf(run.history, (r) => r.total);
    if (train.length > 0) out.push({ key: `run:${run.id}`, name: run.label, colour: PALETTE[(i + 5) % PALETTE.length], heldOut: false, points: prep(train, true) });
  });
  return out;
}

export const LossChart = memo(function LossChart({
  history,
  evals,
  overlays = NO_OVERLAYS,
  smoothing,
  logScale,
  width,
  height = 240,
  title = 'Loss',
  name = 'loss',
}: LossChartProps) {
  const chart = useMemo(() => {
    const series = buildSeries(history, evals, overlays, smoothing, logScale);
    const rows = mergeSeries(Object.fromEntries(series.map((s) => [s.key, s.points])));
    const keys = series.map((s) => s.key);
    const [lo, hi] = extent(rows, keys);
    const yTicks = logScale ? logTicks(lo, hi) : niceTicks(lo, hi, 5);
    const xTicks = rows.length > 0 ? stepTicks(rows[0].step, rows[rows.length - 1].step) : [];
    const legend: LegendItem[] = series.map((s) => ({ name: s.name, colour: s.colour, dashed: s.heldOut }));
    return { series, rows, yTicks, xTicks, legend };
  }, [history, evals, overlays, smoothing, logScale]);
  const { series, rows, yTicks, xTicks, legend } = chart;
  const xDomain = rows.length > 0 ? [rows[0].step, rows[rows.length - 1].step] : undefined;
  const yDomain = yTicks.length > 0 ? [yTicks[0], yTicks[yTicks.length - 1]] : undefined;
  return (
    <ChartFrame title={title} name={name} points={rows.length} legend={legend} width={width} height={height}>
      <LineChart data={rows} width={width} height={height} margin={CHART_MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="step" type="number" domain={xDomain} ticks={xTicks} tick={AXIS_TICK} />
        <YAxis scale={logScale ? 'log' : 'linear'} domain={yDomain} ticks={yTicks} allowDataOverflow tick={AXIS_TICK} width={52} tickFormatter={formatTick} />
        <Tooltip formatter={formatValue} labelFormatter={formatStepLabel} />
        {series.map((s) => (
          <Line
            key={s.key}
            dataKey={s.key}
            name={s.name}
            type="monotone"
            stroke={s.colour}
            strokeDasharray={s.heldOut ? '5 4' : undefined}
            dot={s.heldOut ? SMALL_DOT : false}
            strokeWidth={s.key === 'train total' ? 2 : 1.5}
            isAnimationActive={false}
            connectNulls
          />
        ))}
      </LineChart>
    </ChartFrame>
  );
});
