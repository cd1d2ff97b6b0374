/**
 * One metric of several runs on a shared step axis, a line per run (RunMetricChart: the Runs tab's overlay).
 * Pure and memoised: plain records in; which metric comes from ui/runs/run_metrics.ts.
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunLike, RunMetric } from '../runs/run_metrics.ts';
import { ChartFrame } from './ChartFrame.tsx';
import {
  AXIS_TICK,
  CHART_MARGIN,
  MAX_POINTS,
  PALETTE,
  SMALL_DOT,
  UNIT_DOMAIN,
  extent,
  formatShare,
  formatStepLabel,
  formatTick,
  formatValue,
  mergeSeries,
  niceTicks,
  smoothPoints,
  stepTicks,
  thin,
  type LegendItem,
} from './chart_data.ts';

export interface RunMetricChartProps {
  runs: readonly (RunLike & { id: string; label: string })[];
  metric: RunMetric;
  /** EMA weight for per-step metrics (evaluations are drawn as measured). */
  smoothing: number;
  width?: number;
  height?: number;
  name?: string;
}

const UNIT_TICKS = [0, 0.25, 0.5, 0.75, 1];

export const RunMetricChart = memo(function RunMetricChart({ runs, metric, smoothing, width, height = 260, name = 'runs-metric' }: RunMetricChartProps) {
  const { rows, lines, yTicks, xTicks } = useMemo(() => {
    const series: Record<string, ReturnType<RunMetric['points']>> = {};
    const lines: (LegendItem & { key: string })[] = [];
    runs.forEach((run, i) => {
      const raw = metric.points(run.history, run.evals);
      if (raw.length === 0) return;
      const perStep = metric.id.startsWith('train_');
      series[`run:${run.id}`] = thin(perStep ? smoothPoints(raw, smoothing) : raw, MAX_POINTS);
      lines.push({ key: `run:${run.id}`, name: run.label, colour: PALETTE[i % PALETTE.length] });
    });
    const rows = mergeSeries(series);
    const [lo, hi] = extent(rows, lines.map((l) => l.key));
    const yTicks = metric.scale === 'share' ? UNIT_TICKS : niceTicks(lo, hi, 5);
    const xTicks = rows.length > 0 ? stepTicks(rows[0].step, rows[rows.length - 1].step) : [];
    return { rows, lines, yTicks, xTicks };
  }, [runs, metric, smoothing]);
  const xDomain = rows.length > 0 ? [rows[0].step, rows[rows.length - 1].step] : undefined;
  const yDomain = metric.scale === 'share' ? UNIT_DOMAIN : yTicks.length > 0 ? [yTicks[0], yTicks[yTicks.length - 1]] : undefined;
  const evalOnly = !metric.id.startsWith('train_');
  return (
    <ChartFrame title={`Runs: ${metric.label}`} name={name} points={rows.length} legend={lines} width={width} height={height} empty="tick runs in the table to overlay them">
      <LineChart data={rows} width={width} height={height} margin={CHART_MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="step" type="number" domain={xDomain} ticks={xTicks} tick={AXIS_TICK} />
        <YAxis domain={yDomain} ticks={yTicks} allowDataOverflow tick={AXIS_TICK} width={52} tickFormatter={metric.scale === 'share' ? undefined : formatTick} />
        <Tooltip formatter={metric.scale === 'share' ? formatShare : formatValue} labelFormatter={formatStepLabel} />
        {lines.map((l) => (
          <Line key={l.key} dataKey={l.key} name={l.name} type="monotone" stroke={l.colour} dot={evalOnly ? SMALL_DOT : false} strokeWidth={1.5} isAnimationActive={false} connectNulls />
        ))}
      </LineChart>
    </ChartFrame>
  );
});
