/** Loyalty per language (from the last evaluation's per_lang metrics) as grouped bars. Pure. */
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalMetrics } from '../../engine/trainer_types.ts';
import { ChartFrame } from '../charts/ChartFrame.tsx';
import { AXIS_TICK, CHART_MARGIN, PALETTE, UNIT_DOMAIN, formatShare, type LegendItem } from '../charts/chart_data.ts';

const LEGEND: LegendItem[] = [
  { name: 'label loyalty', colour: PALETTE[0] },
  { name: 'prob loyalty', colour: PALETTE[2] },
];
const MASKED: LegendItem = { name: 'label loyalty, masked positions', colour: PALETTE[3] };
const LEGEND_MASKED: LegendItem[] = [...LEGEND, MASKED];
const UNIT_TICKS = [0, 0.25, 0.5, 0.75, 1];

export interface LangLoyaltyChartProps {
  perLang: EvalMetrics['per_lang'];
  width?: number;
  height?: number;
}

export function LangLoyaltyChart({ perLang, width, height = 240 }: LangLoyaltyChartProps) {
  const rows = Object.entries(perLang ?? {})
    .map(([lang, m]) => ({ lang, 'label loyalty': m.label_loyalty, 'prob loyalty': m.prob_loyalty, [MASKED.name]: m.masked_label_loyalty, positions: m.n_positions }))
    .sort((a, b) => a.lang.localeCompare(b.lang));
  const masked = rows.some((r) => r[MASKED.name] !== undefined);
  return (
    <ChartFrame title="Loyalty per language" name="loyalty-per-language" points={rows.length} legend={masked ? LEGEND_MASKED : LEGEND} width={width} height={height} empty="the set has no languages, or no evaluation yet">
      <BarChart data={rows} width={width} height={height} margin={CHART_MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="lang" tick={AXIS_TICK} interval={0} />
        <YAxis domain={UNIT_DOMAIN} ticks={UNIT_TICKS} tick={AXIS_TICK} width={40} />
        <Tooltip formatter={formatShare} />
        <Bar dataKey="label loyalty" fill={PALETTE[0]} isAnimationActive={false} />
        <Bar dataKey="prob loyalty" fill={PALETTE[2]} isAnimationActive={false} />
        {masked && <Bar dataKey={MASKED.name} fill={MASKED.colour} isAnimationActive={false} />}
      </BarChart>
    </ChartFrame>
  );
}
