/** A chart card: title, point count (for tests and the curious), a PNG export button, legend and sizing. */
import { useRef, type ReactNode } from 'react';
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
  children: ReactNode;
}

export function ChartFrame({ title, name, points, legend = [], width, height, empty = 'no points yet', children }: ChartFrameProps) {
  const box = useRef<HTMLDivElement>(null);
  return (
    <figure className="chart" data-testid={`chart-${name}`} data-points={points}>
      <figcaption>
        <span>{title}</span>
        <button
          type="button"
          className="small"
          disabled={points === 0}
          title="save this chart as PNG"
          onClick={() => {
            const svg = box.current?.querySelector('svg.recharts-surface');
            if (svg instanceof SVGSVGElement) void saveChartPng(svg, `${name}.png`, title, legend);
          }}
        >
          PNG
        </button>
      </figcaption>
      <div ref={box} className="chart-body" style={{ height }}>
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
