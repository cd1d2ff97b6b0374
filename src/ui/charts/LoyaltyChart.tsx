/**
 * Held-out label loyalty (argmax agreement) and probability loyalty (1 − √JSD) over steps — for masked LM also
 * on the masked positions alone — with student accuracy when the set has labels; other runs' loyalty can be
 * overlaid. Pure and memoised.
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalRecord } from '../../engine/trainer_types.ts';
import { ChartFrame } from './ChartFrame.tsx';
import {
  AXIS_TICK,
  CHART_MARGIN,
  PALETTE,
  SMALL_DOT,
  UNIT_DOMAIN,
  formatShare,
  formatStepLabel,
  mergeSeries,
  pointsOf,
  stepTicks,
  type LegendItem,
  type Point,
} from './chart_data.ts';
import type { OverlayRun } from './LossChart.tsx';

export interface LoyaltyChartProps {
  evals: readonly EvalRecord[];
  overlays?: readonly OverlayRun[];
  width?: number;
  height?: number;
}

const UNIT_TICKS = [0, 0.25, 0.5, 0.75, 1];
const NO_OVERLAYS: readonly OverlayRun[] = [];

export const LoyaltyChart = memo(function LoyaltyChart({ evals, overlays = NO_OVERLAYS, width, height = 240 }: LoyaltyChartProps) {
  const { rows, lines, xTicks } = useMemo(() => {
    const series: Record<string, Point[]> = {};
    const lines: (LegendItem & { key: string })[] = [];
    const add = (key: string, name: string, points: Point[], dashed = false) => {
      if (points.length === 0) return;
      series[key] = points;
      lines.push({ key, name, colour: PALETTE[lines.length % PALETTE.length], dashed });
    };
    add('label loyalty', 'label loyalty', pointsOf(evals, (e) => e.metrics.label_loyalty));
    add('masked label loyalty', 'label loyalty, masked positions', pointsOf(evals, (e) => e.metrics.masked_label_loyalty));
    add('prob loyalty', 'prob loyalty', pointsOf(evals, (e) => e.metrics.prob_loyalty));
    add('masked prob loyalty', 'prob loyalty, masked positions', pointsOf(evals, (e) => e.metrics.masked_prob_loyalty));
    add('student accuracy', 'student accuracy', pointsOf(evals, (e) => e.metrics.student_accuracy), true);
    // keyed by id: two runs may share a label
    overlays.forEach((run) => add(`run:${run.id}`, `${run.label} · label loyalty`, pointsOf(run.evals, (e) => e.metrics.label_loyalty)));
    const rows = mergeSeries(series);
    const xTicks = rows.length > 0 ? stepTicks(rows[0].step, rows[rows.length - 1].step) : [];
    return { rows, lines, xTicks };
  }, [evals, overlays]);
  const xDomain = rows.length > 0 ? [rows[0].step, rows[rows.length - 1].step] : undefined;
  return (
    <ChartFrame title="Loyalty (held-out)" name="loyalty" points={rows.length} legend={lines} width={width} height={height} empty="no evaluation yet">
      <LineChart data={rows} width={width} height={height} margin={CHART_MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="step" type="number" domain={xDomain} ticks={xTicks} tick={AXIS_TICK} />
        <YAxis domain={UNIT_DOMAIN} ticks={UNIT_TICKS} tick={AXIS_TICK} width={40} />
        <Tooltip formatter={formatShare} labelFormatter={formatStepLabel} />
        {lines.map((l) => (
          <Line
            key={l.key}
            dataKey={l.key}
            name={l.name}
            type="monotone"
            stroke={l.colour}
            strokeDasharray={l.dashed ? '4 3' : undefined}
            dot={SMALL_DOT}
            isAnimationActive={false}
            connectNulls
          />
        ))}
      </LineChart>
    </ChartFrame>
  );
});
