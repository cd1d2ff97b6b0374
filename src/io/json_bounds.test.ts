import { describe, expect, it } from 'vitest';
import { JsonBoundsScanner, scanJson, type JsonLimits, type JsonProblem } from './json_bounds.ts';

const LOOSE: JsonLimits = { maxDepth: 64, maxValues: 1e9, uniqueKeysDepth: 2, keyDepth: 2, maxKeys: 1e6 };
const problemOf = (text: string | string[], limits: Partial<JsonLimits> = {}): JsonProblem | undefined => {
  let seen: JsonProblem | undefined;
  const scanner = new JsonBoundsScanner({ ...LOOSE, ...limits }, (p) => {
    seen = p;
    return new Error(p.kind);
  });
  try {
    for (const piece of typeof text === 'string' ? [text] : text) scanner.feed(piece);
  } catch {
    return seen;
  }
  return undefined;
};

describe('JsonBoundsScanner', () => {
  it('counts values, lists / objects and string characters as JSON.parse would build them', () => {
    const s = scanJson('{"a": [1, -2.5e3, true, null], "b": {"c": "xy"}, "d": []}', LOOSE, () => new Error());
    // values: the object, "a", the list, 1, -2.5e3, true, null, "b", the object, "c", "xy", "d", []
    expect({ values: s.values, containers: s.containers, strings: s.strings, chars: s.stringChars }).toEqual({ values: 13, containers: 4, strings: 5, chars: 6 });
    expect(s.heldBytes()).toBe(13 * 24 + 4 * 96 + 5 * 32 + 2 * 6);
  });
  it('skips brackets, commas and quotes inside strings, escapes included, whatever the pieces', () => {
    const text = '{"k\\"[": "],{\\\\", "x": ["a\\u005b", 1]}';
    expect(JSON.parse(text)).toEqual({ 'k"[': '],{\\', x: ['a[', 1] });
    const whole = scanJson(text, LOOSE, () => new Error());
    for (let cut = 1; cut < text.length; cut++) {
      const s = new JsonBoundsScanner(LOOSE, () => new Error());
      s.feed(text.slice(0, cut));
      s.feed(text.slice(cut));
      expect([s.values, s.containers, s.stringChars]).toEqual([whole.values, whole.containers, whole.stringChars]);
    }
    expect(whole.containers).toBe(2);
  });
  it('refuses nesting past maxDepth at the first level too deep', () => {
    expect(problemOf('[[[[1]]]]', { maxDepth: 4 })).toBeUndefined();
    expect(problemOf('[[[[[1]]]]]', { maxDepth: 4 })).toEqual({ kind: 'depth', limit: 4 });
    expect(problemOf(['{"a": ', '['.repeat(100)], { maxDepth: 10 })).toEqual({ kind: 'depth', limit: 10 });
  });
  it('refuses more values than maxValues, counting lists and objects too', () => {
    expect(problemOf('[1, 2, 3]', { maxValues: 4 })).toBeUndefined();
    expect(problemOf('[1, 2, 3, 4]', { maxValues: 4 })).toEqual({ kind: 'values', limit: 4 });
    expect(problemOf('[[], [], [], []]', { maxValues: 4 })).toEqual({ kind: 'values', limit: 4 });
  });
  it('finds a key given twice in the objects near the top, however it is escaped, and nowhere deeper', () => {
    expect(problemOf('{"a": 1, "b": 2, "a": 3}')).toEqual({ kind: 'duplicate', key: 'a', depth: 1 });
    expect(problemOf('{"a": 1, "\\u0061": 3}')).toEqual({ kind: 'duplicate', key: 'a', depth: 1 });
    expect(problemOf('{"t": {"dtype": "F32", "dtype": "I32"}}')).toEqual({ kind: 'duplicate', key: 'dtype', depth: 2 });
    expect(problemOf('{"t": {"u": {"a": 1, "a": 2}}}')).toBeUndefined(); // depth 3: JSON.parse's rule (the last wins)
    expect(problemOf('[{"a": 1}, {"a": 2}]')).toBeUndefined(); // one key per object
    expect(problemOf(['{"ab', 'c": 1, "abc"', ': 2}'])).toEqual({ kind: 'duplicate', key: 'abc', depth: 1 });
    expect(problemOf('{"a": 1, "b": 2, "c": 3}', { maxKeys: 2 })).toEqual({ kind: 'keys', limit: 2, depth: 1 });
  });
  it('names the keys leading to the place of a problem', () => {
    const s: JsonBoundsScanner = new JsonBoundsScanner({ ...LOOSE, maxDepth: 3 }, (): Error => new Error(s.keyPath().join('.')));
    expect(() => s.feed('{"metadata": {"note": [[1]]}}')).toThrow('metadata.note');
  });
  it('is one linear pass: 40 MB of numbers, or of one string, in about a second at most', () => {
    const numbers = `[${'12345678,'.repeat(4_000_000)}0]`;
    const text = `["${'x'.repeat(40_000_000)}"]`;
    for (const t of [numbers, text]) {
      const t0 = performance.now();
      scanJson(t, LOOSE, () => new Error());
      expect(performance.now() - t0).toBeLessThan(2000);
    }
  });
});
