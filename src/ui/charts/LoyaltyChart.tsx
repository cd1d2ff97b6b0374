/**
 * Held-out label loyalty (argmax agreement) and probability loyalty (1 − √JSD) over steps, with student
 * accuracy when the set has labels; other runs' loyalty can be overlaid. Pure: plain arrays in.
 */
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalRecord } from '../../engine/trainer_types.ts';
import { ChartFrame } from './ChartFrame.tsx';
import { PALETTE, mergeSeries, pointsOf, type Point } from './chart_data.ts';
import type { OverlayRun } from './LossChart.tsx';

export interface LoyaltyChartProps {
  evals: readonly EvalRecord[];
  overlays?: readonly OverlayRun[];
  width?: number;
  height?: number;
}

export function LoyaltyChart({ evals, overlays = [], width, height = 240 }: LoyaltyChartProps) {
  const series: Record<string, Point[]> = {};
  const add = (key: string, points: Point[]) => {
    if (points.length > 0) series[key] = points;
  };
  add('label loyalty', pointsOf(evals, (e) => e.metrics.label_loyalty));
  add('prob loyalty', pointsOf(evals, (e) => e.metrics.prob_loyalty));
  add('student accuracy', pointsOf(evals, (e) => e.metrics.student_accuracy));
  overlays.forEach((run) => add(`${run.label} · label loyalty`, pointsOf(run.evals, (e) => e.metrics.label_loyalty)));
  const keys = Object.keys(series);
  const rows = mergeSeries(series);
  return (
    <ChartFrame title="Loyalty (held-out)" name="loyalty" points={rows.length} width={width} height={height} empty="no evaluation yet">
      <LineChart data={rows} width={width} height={height} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 11 }} />
        <YAxis domain={[0, 1]} tick={{ fontSize: 11 }} width={40} />
        <Tooltip formatter={(v) => (typeof v === 'number' ? `${(100 * v).toFixed(1)} %` : String(v))} labelFormatter={(s) => `step ${s}`} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        {keys.map((key, i) => (
          <Line
            key={key}
            dataKey={key}
            name={key}
            type="monotone"
            stroke={PALETTE[i % PALETTE.length]}
            strokeDasharray={key === 'student accuracy' ? '4 3' : undefined}
            dot={{ r: 2 }}
            isAnimationActive={false}
            connectNulls
          />
        ))}
      </LineChart>
    </ChartFrame>
  );
}
