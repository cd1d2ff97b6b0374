/**
 * Loss components over steps: train (solid) and held-out (dashed, at eval steps), optionally with other runs'
 * total train loss overlaid. Pure: plain arrays in, SVG out.
 */
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalRecord, LossComponents, StepRecord } from '../../engine/trainer_types.ts';
import { ChartFrame } from './ChartFrame.tsx';
import { MAX_POINTS, PALETTE, mergeSeries, pointsOf, positiveOnly, smoothPoints, thin, type Point } from './chart_data.ts';

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

const COMPONENTS: (keyof LossComponents)[] = ['total', 'kd', 'hard', 'cos', 'mse'];

export function LossChart({ history, evals, overlays = [], smoothing, logScale, width, height = 240, title = 'Loss', name = 'loss' }: LossChartProps) {
  const series: Record<string, Point[]> = {};
  const prep = (points: Point[], smoothed: boolean) => {
    const s = smoothed ? smoothPoints(points, smoothing) : points;
    return thin(logScale ? positiveOnly(s) : s, MAX_POINTS);
  };
  for (const c of COMPONENTS) {
    const train = pointsOf(history, (r) => r[c]);
    if (train.length > 0) series[`train ${c}`] = prep(train, true);
    const held = pointsOf(evals, (e) => e.metrics.loss?.[c]);
    if (held.length > 0) series[`held-out ${c}`] = prep(held, false);
  }
  overlays.forEach((run) => {
    const train = pointsOf(run.history, (r) => r.total);
    if (train.length > 0) series[run.label] = prep(train, true);
  });
  const keys = Object.keys(series);
  const rows = mergeSeries(series);
  const colour = (key: string): string => {
    const c = COMPONENTS.find((comp) => key.endsWith(` ${comp}`));
    if (c && (key.startsWith('train ') || key.startsWith('held-out '))) return PALETTE[COMPONENTS.indexOf(c)];
    return PALETTE[(5 + overlays.findIndex((o) => o.label === key)) % PALETTE.length];
  };
  return (
    <ChartFrame title={title} name={name} points={rows.length} width={width} height={height}>
      <LineChart data={rows} width={width} height={height} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 11 }} />
        <YAxis
          scale={logScale ? 'log' : 'auto'}
          domain={['auto', 'auto']}
          allowDataOverflow={logScale}
          tick={{ fontSize: 11 }}
          width={52}
          tickFormatter={(v: number) => (Math.abs(v) >= 100 || (v !== 0 && Math.abs(v) < 0.01) ? v.toExponential(0) : String(Number(v.toPrecision(3))))}
        />
        <Tooltip formatter={(v) => (typeof v === 'number' ? v.toPrecision(4) : String(v))} labelFormatter={(s) => `step ${s}`} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        {keys.map((key) => (
          <Line
            key={key}
            dataKey={key}
            name={key}
            type="monotone"
            stroke={colour(key)}
            strokeDasharray={key.startsWith('held-out ') ? '5 4' : undefined}
            dot={key.startsWith('held-out ') ? { r: 2 } : false}
            strokeWidth={key === 'train total' ? 2 : 1.5}
            isAnimationActive={false}
            connectNulls
          />
        ))}
      </LineChart>
    </ChartFrame>
  );
}
