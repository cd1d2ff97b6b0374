/** The optimiser over steps: learning rate (left axis) and the global gradient norm before clipping (right). */
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
  formatTick,
  formatValue,
  mergeSeries,
  niceTicks,
  pointsOf,
  smoothPoints,
  stepTicks,
  thin,
  type LegendItem,
} from './chart_data.ts';

export interface OptimChartProps {
  history: readonly StepRecord[];
  smoothing: number;
  width?: number;
  height?: number;
}

const LR_LABEL = { value: 'lr', angle: -90, position: 'insideLeft', fontSize: 11, fill: PALETTE[3] } as const;
const NORM_LABEL = { value: 'grad norm', angle: 90, position: 'insideRight', fontSize: 11, fill: PALETTE[6] } as const;
const LEGEND: LegendItem[] = [
  { name: 'learning rate', colour: PALETTE[3] },
  { name: 'grad norm (before clip)', colour: PALETTE[6] },
];

export const OptimChart = memo(function OptimChart({ history, smoothing, width, height = 240 }: OptimChartProps) {
  const { rows, xTicks, lrTicks, normTicks } = useMemo(() => {
    const rows = mergeSeries({
      lr: thin(pointsOf(history, (r) => r.lr), MAX_POINTS),
      'grad norm': thin(smoothPoints(pointsOf(history, (r) => r.grad_norm), smoothing), MAX_POINTS),
    });
    const xTicks = rows.length > 0 ? stepTicks(rows[0].step, rows[rows.length - 1].step) : [];
    const [, lrHi] = extent(rows, ['lr']);
    const [, normHi] = extent(rows, ['grad norm']);
    return {
      rows,
      xTicks,
      lrTicks: Number.isFinite(lrHi) ? niceTicks(0, lrHi > 0 ? lrHi : 1, 4) : [],
      normTicks: Number.isFinite(normHi) ? niceTicks(0, normHi > 0 ? normHi : 1, 4) : [],
    };
  }, [history, smoothing]);
  const xDomain = rows.length > 0 ? [rows[0].step, rows[rows.length - 1].step] : undefined;
  return (
    <ChartFrame title="Optimiser" name="optimiser" points={rows.length} legend={LEGEND} width={width} height={height}>
      <LineChart data={rows} width={width} height={height} margin={CHART_MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="step" type="number" domain={xDomain} ticks={xTicks} tick={AXIS_TICK} />
        <YAxis yAxisId="lr" domain={[0, lrTicks.at(-1) ?? 1]} ticks={lrTicks} tick={AXIS_TICK} width={56} label={LR_LABEL} tickFormatter={formatTick} />
        <YAxis yAxisId="norm" orientation="right" domain={[0, normTicks.at(-1) ?? 1]} ticks={normTicks} tick={AXIS_TICK} width={52} label={NORM_LABEL} tickFormatter={formatTick} />
        <Tooltip formatter={formatValue} labelFormatter={formatStepLabel} />
        <Line yAxisId="lr" dataKey="lr" name="learning rate" stroke={PALETTE[3]} dot={false} isAnimationActive={false} connectNulls />
        <Line yAxisId="norm" dataKey="grad norm" stroke={PALETTE[6]} dot={false} isAnimationActive={false} connectNulls />
      </LineChart>
    </ChartFrame>
  );
});
