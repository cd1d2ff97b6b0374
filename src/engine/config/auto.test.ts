import { describe, expect, it } from 'vitest';
import { autoEvalEvery, resolveAuto } from './auto.ts';
import { mergeConfig } from './merge.ts';
import { checkConfigValue } from './validate.ts';
import { parseConfigText } from './schema.ts';

describe("eval_every 'auto'", () => {
  it('gives about 20 points, at least one interval of 1 and at most 50', () => {
    expect(autoEvalEvery(60)).toBe(3); // a 60-step run: 20 points, not 2
    expect(autoEvalEvery(300)).toBe(15);
    expect(autoEvalEvery(30)).toBe(2);
    expect(autoEvalEvery(7)).toBe(1);
    expect(autoEvalEvery(0)).toBe(1);
    expect(autoEvalEvery(1000)).toBe(50);
    expect(autoEvalEvery(100_000)).toBe(50);
  });
  it('is the default; numbers stay the explicit override (0: only at the end)', () => {
    expect(mergeConfig().eval_every).toBe('auto');
    expect(resolveAuto(mergeConfig({ steps: 60 })).eval_every).toBe(3);
    expect(resolveAuto(mergeConfig({ steps: 60, eval_every: 0 })).eval_every).toBe(0);
    expect(resolveAuto(mergeConfig({ steps: 60, eval_every: 50 })).eval_every).toBe(50);
  });
  it("accepts 'auto' from a link or a file, and still refuses other text and fractions", () => {
    expect(parseConfigText('eval_every', 'auto')).toBe('auto');
    expect(parseConfigText('eval_every', '10')).toBe(10);
    expect(checkConfigValue('eval_every', 'auto')).toBeNull();
    expect(checkConfigValue('eval_every', 'often')).toBe(`config "eval_every" must be a number or 'auto', found "often"`);
    expect(checkConfigValue('eval_every', 2.5)).toMatch(/integer/);
    expect(checkConfigValue('steps', 'auto')).toMatch(/must be a number, found "auto"/); // only rows that take it
    expect(mergeConfig({ eval_every: 50 }).eval_every).toBe(50); // an old report's config
  });
});
