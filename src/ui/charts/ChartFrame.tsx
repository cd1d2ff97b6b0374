/**
 * A chart card: title, point count (for tests and the curious), a PNG export button named for its chart
 * ("Save Loss chart as PNG"), legend and sizing. The plot is an image to assistive technology, labelled with
 * its title and what it shows (`description`).
 */
import { useId, useRef, type ReactNode } from 'react';
import { ResponsiveContainer } from 'recharts';
import { saveChartPng } from '../export/chart_png.ts';
import { ChartLegend } from './ChartLegend.tsx';
import type { LegendItem } from './chart_data.ts';

export interface ChartFrameProps {
  title: string;
  /** File name stem of the PNG export. */
  name: string;
  points: number;
  legend?: readonly LegendItem[];
  /** Fixed width in px (tests, jsdom); otherwise the chart fills its card. */
  width?: number;
  height: number;
  empty?: string;
  /** What the plot shows, for screen readers (default: the title and its point count). */
  description?: string;
  children: ReactNode;
}

export function ChartFrame({ title, name, points, legend = [], width, height, empty = 'no points yet', description, children }: ChartFrameProps) {
  const box = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const label = points === 0 ? `${title}: ${empty}` : (description ?? `${title}: ${points} points${legend.length > 0 ? ` (${legend.map((l) => l.name).join(', ')})` : ''}`);
  return (
    <figure className="chart" data-testid={`chart-${name}`} data-points={points} aria-labelledby={titleId}>
      <figcaption>
        <span id={titleId}>{title}</span>
        <button
          type="button"
          className="small"
          disabled={points === 0}
          aria-label={`Save ${title} chart as PNG`}
          title={`save the ${title} chart as PNG`}
          onClick={() => {
            const svg = box.current?.querySelector('svg[data-chart-surface], svg.recharts-surface');
            if (svg instanceof SVGSVGElement) void saveChartPng(svg, `${name}.png`, title, legend);
          }}
        >
          PNG
        </button>
      </figcaption>
      <div ref={box} className="chart-body" style={{ height }} role="img" aria-label={label}>
        {points === 0 ? (
          <div className="chart-empty">{empty}</div>
        ) : width !== undefined ? (
          children
        ) : (
          <ResponsiveContainer width="100%" height={height}>
            {children}
          </ResponsiveContainer>
        )}
      </div>
      {points > 0 && legend.length > 0 && <ChartLegend items={legend} />}
    </figure>
  );
}
