/** Throughput over steps: tokens per second (left axis) and ms per step (right axis). Pure. */
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { StepRecord } from '../../engine/trainer_types.ts';
import { ChartFrame } from './ChartFrame.tsx';
import { MAX_POINTS, PALETTE, mergeSeries, pointsOf, smoothPoints, thin } from './chart_data.ts';

export interface SpeedChartProps {
  history: readonly StepRecord[];
  smoothing: number;
  width?: number;
  height?: number;
}

export function SpeedChart({ history, smoothing, width, height = 240 }: SpeedChartProps) {
  const rows = mergeSeries({
    'tokens/s': thin(smoothPoints(pointsOf(history, (r) => r.tokens_per_s), smoothing), MAX_POINTS),
    'ms/step': thin(smoothPoints(pointsOf(history, (r) => r.ms_per_step), smoothing), MAX_POINTS),
  });
  return (
    <ChartFrame title="Speed" name="speed" points={rows.length} width={width} height={height}>
      <LineChart data={rows} width={width} height={height} margin={{ top: 8, right: 8, bottom: 4, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 11 }} />
        <YAxis yAxisId="tps" tick={{ fontSize: 11 }} width={56} label={{ value: 'tokens/s', angle: -90, position: 'insideLeft', fontSize: 11, fill: PALETTE[0] }} tickFormatter={(v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(Math.round(v)))} />
        <YAxis yAxisId="ms" orientation="right" tick={{ fontSize: 11 }} width={52} label={{ value: 'ms/step', angle: 90, position: 'insideRight', fontSize: 11, fill: PALETTE[4] }} />
        <Tooltip formatter={(v) => (typeof v === 'number' ? v.toPrecision(4) : String(v))} labelFormatter={(s) => `step ${s}`} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        <Line yAxisId="tps" dataKey="tokens/s" stroke={PALETTE[0]} dot={false} isAnimationActive={false} connectNulls />
        <Line yAxisId="ms" dataKey="ms/step" stroke={PALETTE[4]} dot={false} isAnimationActive={false} connectNulls />
      </LineChart>
    </ChartFrame>
  );
}
