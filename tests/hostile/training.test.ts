/** Hostile sets for `distill train`: refused before allocating (with the numbers), or trained within the estimate. */
import { describe } from 'vitest';
import { SUITE } from './cases.ts';
import { hostileTest } from './suite.ts';

describe('hostile sets, trained by distill train', () => {
  for (const c of SUITE.filter((x) => x.kind === 'train')) hostileTest(c);
});
