/** Evaluation metrics: per-position tensors (position.ts) and their plain-JS aggregation (accumulator.ts). */
export { positionMetrics, type PositionMetrics } from './position.ts';
export { probLoyalty } from './prob_loyalty.ts';
export { studentArgmax, teacherArgmax } from './argmax.ts';
export {
  createMetricsAccumulator,
  type MetricsAccumulator,
  type PositionMetricArrays,
  type LangMetrics,
} from './accumulator.ts';
