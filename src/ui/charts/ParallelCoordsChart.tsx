/**
 * Parallel coordinates of a sweep: one vertical axis per grid key and a last one for the chosen metric; each
 * run is a line through its values, coloured by the metric (light = worse, dark = better, in the metric's own
 * direction), the best run drawn thick. Numbers are placed linearly between their extremes, other values
 * evenly in the order given. Pure SVG (recharts has no parallel coordinates), scaled by its viewBox, so it
 * never overflows its card.
 */
import { memo, useMemo } from 'react';
import { ChartFrame } from './ChartFrame.tsx';

export type AxisValue = number | string | boolean;

export interface ParallelRow {
  name: string;
  values: Readonly<Record<string, AxisValue>>;
  /** The colouring metric; null: not finished (drawn dashed, grey, without the metric axis). */
  metric: number | null;
  best: boolean;
}

export interface ParallelCoordsProps {
  axes: readonly { key: string; values: readonly AxisValue[] }[];
  rows: readonly ParallelRow[];
  metricLabel: string;
  higherIsBetter: boolean;
  height?: number;
  name?: string;
}

const W = 640;
const PAD = { top: 28, bottom: 22, left: 56, right: 64 };
const LIGHT = [198, 219, 239];
const DARK = [8, 48, 107];

/** The colour of a share t ∈ [0, 1] of the way from worse (light) to better (dark). */
export function rampColour(t: number): string {
  const c = LIGHT.map((l, i) => Math.round(l + (DARK[i] - l) * Math.min(1, Math.max(0, t))));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

const label = (v: AxisValue) => (typeof v === 'number' ? String(Number(v.toPrecision(4))) : String(v));

interface Scale {
  /** 0 = bottom … 1 = top. */
  at(v: AxisValue): number;
  ticks: AxisValue[];
}

function scaleOf(values: readonly AxisValue[]): Scale {
  const numbers = values.filter((v): v is number => typeof v === 'number');
  if (numbers.length === values.length && numbers.length > 0) {
    const lo = Math.min(...numbers);
    const hi = Math.max(...numbers);
    const distinct = [...new Set(numbers)].sort((a, b) => a - b);
    return { at: (v) => (hi === lo ? 0.5 : ((v as number) - lo) / (hi - lo)), ticks: distinct.length <= 6 ? distinct : [lo, hi] };
  }
  const order = [...new Set(values.map(String))];
  return { at: (v) => (order.length === 1 ? 0.5 : order.indexOf(String(v)) / (order.length - 1)), ticks: order };
}

export const ParallelCoordsChart = memo(function ParallelCoordsChart({ axes, rows, metricLabel, higherIsBetter, height = 260, name = 'sweep-parallel' }: ParallelCoordsProps) {
  const drawn = useMemo(() => {
    const metrics = rows.map((r) => r.metric).filter((m): m is number => m !== null && Number.isFinite(m));
    const all = [...axes.map((a) => ({ key: a.key, scale: scaleOf(a.values) })), { key: metricLabel, scale: scaleOf(metrics) }];
    const x = (i: number) => PAD.left + (all.length === 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (all.length - 1));
    const y = (t: number) => PAD.top + (1 - t) * (height - PAD.top - PAD.bottom);
    const lo = Math.min(...metrics);
    const hi = Math.max(...metrics);
    const lines = rows.map((row) => {
      const points = axes.map((a, i) => `${x(i).toFixed(1)},${y(all[i].scale.at(row.values[a.key] ?? '')).toFixed(1)}`);
      const done = row.metric !== null && Number.isFinite(row.metric);
      if (done) points.push(`${x(axes.length).toFixed(1)},${y(all[axes.length].scale.at(row.metric ?? 0)).toFixed(1)}`);
      const share = !done ? 0 : hi === lo ? 1 : ((row.metric ?? 0) - lo) / (hi - lo);
      return { row, points: points.join(' '), colour: done ? rampColour(higherIsBetter ? share : 1 - share) : '#98a2b3', done };
    });
    // the best on top
    lines.sort((a, b) => Number(a.row.best) - Number(b.row.best));
    return { all, x, y, lines };
  }, [axes, rows, metricLabel, higherIsBetter, height]);
  const best = rows.find((r) => r.best);
  const summary = `Parallel coordinates of ${rows.length} runs over ${axes.map((a) => a.key).join(', ')}, coloured by ${metricLabel}${best ? `; best: ${best.name}` : ''}`;
  return (
    <ChartFrame title={`Sweep: ${metricLabel} by configuration`} name={name} points={rows.length} width={W} height={height} empty="no rows yet" description={summary}>
      <svg data-chart-surface="" viewBox={`0 0 ${W} ${height}`} width="100%" height={height}>
        {drawn.lines.map(({ row, points, colour, done }) => (
          <polyline key={row.name} points={points} fill="none" stroke={colour} strokeWidth={row.best ? 4 : 2} strokeDasharray={done ? undefined : '4 3'} data-row={row.name} data-best={row.best ? 'true' : undefined}>
            <title>{`${row.name}: ${row.metric === null ? 'not finished' : label(row.metric)}`}</title>
          </polyline>
        ))}
        {drawn.all.map((axis, i) => (
          <g key={axis.key}>
            <line x1={drawn.x(i)} x2={drawn.x(i)} y1={drawn.y(1)} y2={drawn.y(0)} stroke="#475467" strokeWidth={1} />
            <text x={drawn.x(i)} y={14} textAnchor="middle" fontSize={11} fontWeight={600} fill="#1c1f24">
              {axis.key}
            </text>
            {axis.scale.ticks.map((t) => (
              <text key={String(t)} x={drawn.x(i) - 5} y={drawn.y(axis.scale.at(t)) + 4} textAnchor="end" fontSize={10} fill="#667085">
                {label(t)}
              </text>
            ))}
          </g>
        ))}
      </svg>
    </ChartFrame>
  );
});
