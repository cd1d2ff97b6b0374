/**
 * Plain-array helpers that turn run records into chart rows: smoothing (TensorBoard's debiased EMA), merging
 * several series on a shared step axis, thinning long histories, and log-scale hygiene.
 */

export interface Point {
  step: number;
  value: number;
}

/** A row of a chart: the step plus one value per series key (absent = no point there). */
export type Row = { step: number } & Record<string, number | undefined>;

/**
 * Exponential moving average with debiasing: s_t = w·s_{t−1} + (1−w)·x_t, divided by 1 − w^t, so early
 * points are not pulled towards 0. Non-finite values pass through unsmoothed and do not enter the average.
 */
export function smooth(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...values];
  const w = Math.min(weight, 0.999);
  let acc = 0;
  let n = 0;
  return values.map((x) => {
    if (!Number.isFinite(x)) return x;
    acc = w * acc + (1 - w) * x;
    n++;
    return acc / (1 - Math.pow(w, n));
  });
}

export function smoothPoints(points: readonly Point[], weight: number): Point[] {
  const values = smooth(points.map((p) => p.value), weight);
  return points.map((p, i) => ({ step: p.step, value: values[i] }));
}

/** At most `max` points, evenly strided, always keeping the last one. */
export function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const stride = items.length / max;
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) out.push(items[Math.floor(i * stride)]);
  out.push(items[items.length - 1]);
  return out;
}

/** Merges named series into rows sorted by step (one row per distinct step). */
export function mergeSeries(series: Readonly<Record<string, readonly Point[]>>): Row[] {
  const rows = new Map<number, Row>();
  for (const [key, points] of Object.entries(series)) {
    for (const p of points) {
      let row = rows.get(p.step);
      if (!row) {
        row = { step: p.step };
        rows.set(p.step, row);
      }
      row[key] = p.value;
    }
  }
  return [...rows.values()].sort((a, b) => a.step - b.step);
}

/** For a log axis: drop values ≤ 0 or non-finite (they have no place on it). */
export function positiveOnly(points: readonly Point[]): Point[] {
  return points.filter((p) => Number.isFinite(p.value) && p.value > 0);
}

/** Extracts one numeric field of records as points, skipping records without it. */
export function pointsOf<T extends { step: number }>(records: readonly T[], value: (r: T) => number | null | undefined): Point[] {
  const out: Point[] = [];
  for (const r of records) {
    const v = value(r);
    if (typeof v === 'number') out.push({ step: r.step, value: v });
  }
  return out;
}

/** Colours for series, readable on white and distinct for the common colour-vision deficiencies. */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

/** Max points a line gets: more is invisible at panel width and slows recharts down. */
export const MAX_POINTS = 400;

// Recharts 3 re-registers a series (a dispatch into its internal store, then every selector recomputes)
// whenever an object or function prop changes identity. Stable, module-level props keep a new batch of
// points from turning into a storm of effects: share these instead of writing literals in JSX.
export const AXIS_TICK = { fontSize: 11 } as const;
export const CHART_MARGIN = { top: 8, right: 16, bottom: 4, left: 0 } as const;
export const UNIT_DOMAIN: [number, number] = [0, 1];
export const SMALL_DOT = { r: 2 } as const;

export function formatValue(v: unknown): string {
  return typeof v === 'number' ? v.toPrecision(4) : String(v);
}
export function formatShare(v: unknown): string {
  return typeof v === 'number' ? `${(100 * v).toFixed(1)} %` : String(v);
}
export function formatStepLabel(step: unknown): string {
  return `step ${String(step)}`;
}
/** Compact tick labels: 3 significant digits, exponent form when very large or small. */
export function formatTick(v: number): string {
  return Math.abs(v) >= 100 || (v !== 0 && Math.abs(v) < 0.01) ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}
export function formatThousands(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(1)}k`;
  return v >= 10 || v === 0 ? String(Math.round(v)) : String(Number(v.toPrecision(2)));
}

/**
 * Round tick values covering [lo, hi] (≈ `count` of them), and the domain they span. Computing them here
 * spares recharts its arbitrary-precision "nice ticks" pass on every update.
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    [lo, hi] = [lo - pad, hi + pad];
  }
  const raw = (hi - lo) / Math.max(1, count);
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const first = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let t = first; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[ticks.length - 1] < hi) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/** Integer step ticks inside [lo, hi] (the x axis: no padding past the data). */
export function stepTicks(lo: number, hi: number, count = 6): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude);
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) ticks.push(t);
  return ticks;
}

/** Powers of ten (with 2× and 5× when the range is under two decades) covering [lo, hi], lo > 0. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !Number.isFinite(hi)) return [];
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const mults = b - a <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = a; e <= b; e++) for (const m of mults) ticks.push(Number((m * Math.pow(10, e)).toPrecision(12)));
  const inside = ticks.filter((t) => t >= lo && t <= hi);
  const below = ticks.filter((t) => t < lo).at(-1);
  const above = ticks.find((t) => t > hi);
  return [...(below !== undefined ? [below] : []), ...inside, ...(above !== undefined ? [above] : [])];
}

/** Min and max of the given keys over rows (NaN, NaN when there are no finite values). */
export function extent(rows: readonly Row[], keys: readonly string[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of rows) {
    for (const k of keys) {
      const v = row[k];
      if (typeof v === 'number' && Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

/** One legend entry; drawn as HTML beside the chart and into its PNG. */
export interface LegendItem {
  name: string;
  colour: string;
  dashed?: boolean;
}
