/**
 * Registry of the KD divergences, keyed by DistillConfig.divergence: each one's per-outcome terms
 * (DIVERGENCE_TERMS, for the chunked dense head) and the same terms as a per-row op (DIVERGENCES, for the K + 1
 * buckets of a top-k teacher and the metrics).
 */
import type { Divergence } from '../../config/config.ts';
import type { DivergenceDef, DivergenceFn } from './types.ts';
import { klTerms } from './kl.ts';
import { rklTerms } from './rkl.ts';
import { rowDivergence } from './row.ts';
import { skewKlTerms } from './skew_kl.ts';
import { skewRklTerms } from './skew_rkl.ts';
import { jsdTerms } from './jsd.ts';

export const DIVERGENCE_TERMS: Readonly<Record<Divergence, DivergenceDef>> = Object.freeze({
  kl: klTerms,
  rkl: rklTerms,
  skew_kl: skewKlTerms,
  skew_rkl: skewRklTerms,
  jsd: jsdTerms,
});

export const DIVERGENCES: Readonly<Record<Divergence, DivergenceFn>> = Object.freeze({
  kl: rowDivergence(klTerms),
  rkl: rowDivergence(rklTerms),
  skew_kl: rowDivergence(skewKlTerms),
  skew_rkl: rowDivergence(skewRklTerms),
  jsd: rowDivergence(jsdTerms),
});

export type { DivergenceDef, DivergenceFn, DivergenceParams, DivergenceTerms } from './types.ts';
