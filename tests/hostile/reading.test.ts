/** Hostile files for `distill inspect`: bounded memory and time, one `error:` line, no wrong acceptance. */
import { describe } from 'vitest';
import { SUITE } from './cases.ts';
import { hostileTest } from './suite.ts';

describe('hostile files, read by distill inspect', () => {
  for (const c of SUITE.filter((x) => x.kind === 'read')) hostileTest(c);
});
