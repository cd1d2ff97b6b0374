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
