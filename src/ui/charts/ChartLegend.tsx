/** The chart legend in plain HTML (recharts' own Legend measures itself on every update). */
import type { LegendItem } from './chart_data.ts';

export function ChartLegend({ items }: { items: readonly LegendItem[] }) {
  return (
    <ul className="chart-legend">
      {items.map((item) => (
        <li key={item.name}>
          <svg width="18" height="8" aria-hidden="true">
            <line x1="0" y1="4" x2="18" y2="4" stroke={item.colour} strokeWidth="2" strokeDasharray={item.dashed ? '4 3' : undefined} />
          </svg>
          {item.name}
        </li>
      ))}
    </ul>
  );
}
