/** Registry of the KD divergences, keyed by DistillConfig.divergence (names: ../names.ts DIVERGENCE_NAMES). */
import type { DivergenceName } from '../names.ts';
import type { DivergenceFn } from './types.ts';
import { kl } from './kl.ts';
import { rkl } from './rkl.ts';
import { skewKl } from './skew_kl.ts';
import { skewRkl } from './skew_rkl.ts';
import { jsd } from './jsd.ts';

export const DIVERGENCES: Readonly<Record<DivergenceName, DivergenceFn>> = Object.freeze({
  kl,
  rkl,
  skew_kl: skewKl,
  skew_rkl: skewRkl,
  jsd,
});

export { klFromLogs } from './kl.ts';
export type { DivergenceFn, DivergenceParams } from './types.ts';
