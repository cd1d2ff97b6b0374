/** Loyalty per language (from the last evaluation's per_lang metrics) as grouped bars. Pure. */
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalMetrics } from '../../engine/trainer_types.ts';
import { ChartFrame } from '../charts/ChartFrame.tsx';
import { PALETTE } from '../charts/chart_data.ts';

export interface LangLoyaltyChartProps {
  perLang: EvalMetrics['per_lang'];
  width?: number;
  height?: number;
}

export function LangLoyaltyChart({ perLang, width, height = 240 }: LangLoyaltyChartProps) {
  const rows = Object.entries(perLang ?? {})
    .map(([lang, m]) => ({ lang, 'label loyalty': m.label_loyalty, 'prob loyalty': m.prob_loyalty, positions: m.n_positions }))
    .sort((a, b) => a.lang.localeCompare(b.lang));
  return (
    <ChartFrame title="Loyalty per language" name="loyalty-per-language" points={rows.length} width={width} height={height} empty="the set has no languages, or no evaluation yet">
      <BarChart data={rows} width={width} height={height} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="lang" tick={{ fontSize: 11 }} />
        <YAxis domain={[0, 1]} tick={{ fontSize: 11 }} width={40} />
        <Tooltip formatter={(v) => (typeof v === 'number' ? `${(100 * v).toFixed(1)} %` : String(v))} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        <Bar dataKey="label loyalty" fill={PALETTE[0]} isAnimationActive={false} />
        <Bar dataKey="prob loyalty" fill={PALETTE[2]} isAnimationActive={false} />
      </BarChart>
    </ChartFrame>
  );
}
