/**
 * The hostile-file classes (issue 14 and more): each case writes its file (small on disk: sparse holes,
 * repeated deflate blocks, or a few MB of text), names the CLI command, and says what must come back.
 * `SUITE` is what `npm test` runs (tests/hostile/*.test.ts); `measure.ts` runs the same cases (and the
 * full-size variants marked `measureOnly`) against any checkout for the before/after table.
 */
import type { HostileCase } from './case_kit.ts';
import { READ_CASES } from './read_cases.ts';
import { TRAIN_CASES } from './train_cases.ts';

export type { HostileCase } from './case_kit.ts';
export const CASES: HostileCase[] = [...READ_CASES, ...TRAIN_CASES];
export const SUITE = CASES.filter((c) => !c.measureOnly);
