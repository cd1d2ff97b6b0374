/** Throughput over steps: tokens per second (left axis) and ms per step (right axis). Pure and memoised. */
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { StepRecord } from '../../engine/trainer_types.ts';
import { ChartFrame } from './ChartFrame.tsx';
import {
  AXIS_TICK,
  CHART_MARGIN,
  MAX_POINTS,
  PALETTE,
  extent,
  formatStepLabel,
  formatThousands,
  formatValue,
  mergeSeries,
  niceTicks,
  pointsOf,
  smoothPoints,
  stepTicks,
  thin,
  type LegendItem,
} from './chart_data.ts';

export interface SpeedChartProps {
  history: readonly StepRecord[];
  smoothing: number;
  width?: number;
  height?: number;
}

const TPS_LABEL = { value: 'tokens/s', angle: -90, position: 'insideLeft', fontSize: 11, fill: PALETTE[0] } as const;
const MS_LABEL = { value: 'ms/step', angle: 90, position: 'insideRight', fontSize: 11, fill: PALETTE[4] } as const;
const LEGEND: LegendItem[] = [
  { name: 'tokens/s', colour: PALETTE[0] },
  { name: 'ms/step', colour: PALETTE[4] },
];

/** Ticks from 0 to a round value above the maximum. */
function fromZero(rows: Parameters<typeof extent>[0], key: string): number[] {
  const [, hi] = extent(rows, [key]);
  return Number.isFinite(hi) ? niceTicks(0, hi > 0 ? hi : 1, 4) : [];
}

export const SpeedChart = memo(function SpeedChart({ history, smoothing, width, height = 240 }: SpeedChartProps) {
  const { rows, xTicks, tpsTicks, msTicks } = useMemo(() => {
    const rows = mergeSeries({
      'tokens/s': thin(smoothPoints(pointsOf(history, (r) => r.tokens_per_s), smoothing), MAX_POINTS),
      'ms/step': thin(smoothPoints(pointsOf(history, (r) => r.ms_per_step), smoothing), MAX_POINTS),
    });
    const xTicks = rows.length > 0 ? stepTicks(rows[0].step, rows[rows.length - 1].step) : [];
    return { rows, xTicks, tpsTicks: fromZero(rows, 'tokens/s'), msTicks: fromZero(rows, 'ms/step') };
  }, [history, smoothing]);
  const xDomain = rows.length > 0 ? [rows[0].step, rows[rows.length - 1].step] : undefined;
  return (
    <ChartFrame title="Speed" name="speed" points={rows.length} legend={LEGEND} width={width} height={height}>
      <LineChart data={rows} width={width} height={height} margin={CHART_MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="step" type="number" domain={xDomain} ticks={xTicks} tick={AXIS_TICK} />
        <YAxis yAxisId="tps" domain={[0, tpsTicks.at(-1) ?? 1]} ticks={tpsTicks} tick={AXIS_TICK} width={56} label={TPS_LABEL} tickFormatter={formatThousands} />
        <YAxis yAxisId="ms" orientation="right" domain={[0, msTicks.at(-1) ?? 1]} ticks={msTicks} tick={AXIS_TICK} width={52} label={MS_LABEL} tickFormatter={formatThousands} />
        <Tooltip formatter={formatValue} labelFormatter={formatStepLabel} />
        <Line yAxisId="tps" dataKey="tokens/s" stroke={PALETTE[0]} dot={false} isAnimationActive={false} connectNulls />
        <Line yAxisId="ms" dataKey="ms/step" stroke={PALETTE[4]} dot={false} isAnimationActive={false} connectNulls />
      </LineChart>
    </ChartFrame>
  );
});
