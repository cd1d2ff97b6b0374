/**
 * Fuzz: JSON Lines sets built from random valid sets, then damaged — semantically (fuzz_specs.ts), per
 * example (fields missing, replaced by hostile JSON: ragged or deeply nested lists, NaN, strings, prototype
 * names), per line (dropped, duplicated, cut, replaced) and byte by byte (invalid UTF-8 included).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyByteMutations, byteMutation, fuzzParams, fuzzRead, OutcomeTally, readSettings } from './fuzz_harness.ts';
import { applySemantic, Deep, specCase, specOf, toJsonText, type SetSpec } from './fuzz_specs.ts';

/** One object per example: each tensor's row n, nested by the rest of its shape (tensors shorter than N are left out). */
function examplesOf(spec: SetSpec): Record<string, unknown>[] {
  const n = Math.max(0, ...spec.tensors.map((t) => (t.shape.length > 0 ? t.shape[0] : 0)));
  return Array.from({ length: Math.min(n, 64) }, (_, i) => {
    const ex: Record<string, unknown> = {};
    for (const t of spec.tensors) {
      if (t.shape.length === 0 || i >= t.shape[0]) continue;
      const rest = t.shape.slice(1);
      const per = rest.reduce((a, b) => a * b, 1);
      if (per > 10_000) continue; // a dimension made huge: the line would be too
      Object.defineProperty(ex, t.name, { value: nest(t.values.slice(i * per, (i + 1) * per), rest), enumerable: true, configurable: true, writable: true });
    }
    return ex;
  });
}

function nest(values: number[], shape: number[]): unknown {
  if (shape.length === 0) return values[0] ?? 0;
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, j) => nest(values.slice(j * per, (j + 1) * per), shape.slice(1)));
}

type ExampleMutation = { op: 'set'; at: number; key: string; value: unknown } | { op: 'delete'; at: number; key: string };
type LineMutation = { op: 'drop' | 'dup' | 'swap' | 'cut'; at: number } | { op: 'replace'; at: number; text: string } | { op: 'bom' | 'crlf' | 'blank' };

const KEYS = ['input_ids', 'attention_mask', 'labels', 'teacher_logits', 'teacher_topk_ids', 'teacher_topk_logits', 'teacher_logsumexp', 'teacher_hidden', 'lang', 'split', 'metadata', '__proto__', 'toString', 'constructor'];
const HOSTILE_VALUES: unknown[] = [
  new Deep(20_000), new Deep(3), [[1, 2], [3]], [1, [2]], [[], []], [], 'x', true, null, NaN, Infinity, -1, 2 ** 31, 0.5, { a: new Deep(20_000) }, [{}], [['a']], [true, false],
];
const frac = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

const exampleMutation: fc.Arbitrary<ExampleMutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('set' as const), at: frac, key: fc.constantFrom(...KEYS), value: fc.oneof(fc.constantFrom(...HOSTILE_VALUES), fc.jsonValue({ maxDepth: 2 })) }), weight: 3 },
  fc.record({ op: fc.constant('delete' as const), at: frac, key: fc.constantFrom(...KEYS) }),
);
const lineMutation: fc.Arbitrary<LineMutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('drop' as const, 'dup' as const, 'swap' as const, 'cut' as const), at: frac }),
  fc.record({ op: fc.constant('replace' as const), at: frac, text: fc.constantFrom('', '[]', '{}', '1', 'null', '{"metadata": 5}', '{"metadata": {"task": "mlm"}}', '{"input_ids": "x"}', 'NaN', '{"a": NaN}', '{"input_ids": [1e400]}', '1'.repeat(400), '{', '"\\ud800"') }),
  fc.record({ op: fc.constantFrom('bom' as const, 'crlf' as const, 'blank' as const) }),
);

function encode(spec: SetSpec, exMuts: readonly ExampleMutation[], lineMuts: readonly LineMutation[], withMeta: boolean): string {
  const examples = examplesOf(spec);
  for (const m of exMuts) {
    if (examples.length === 0) break;
    const ex = examples[Math.floor(m.at * examples.length)];
    if (m.op === 'set') Object.defineProperty(ex, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
    else delete ex[m.key];
  }
  const lines = examples.map(toJsonText);
  if (withMeta) lines.unshift(toJsonText({ metadata: spec.metadata }));
  let prefix = '';
  let sep = '\n';
  for (const m of lineMuts) {
    const i = 'at' in m ? Math.floor(m.at * lines.length) : 0;
    if (m.op === 'bom') prefix = '\ufeff';
    else if (m.op === 'crlf') sep = '\r\n';
    else if (m.op === 'blank') lines.splice(lines.length >> 1, 0, '', '   ');
    else if (lines.length === 0) continue;
    else if (m.op === 'drop') lines.splice(i, 1);
    else if (m.op === 'dup') lines.splice(i, 0, lines[i]);
    else if (m.op === 'swap' && i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1], lines[i]];
    else if (m.op === 'cut') lines[i] = lines[i].slice(0, lines[i].length >> 1);
    else if (m.op === 'replace') lines[i] = m.text;
  }
  return prefix + lines.join(sep) + sep;
}

const caseArb = fc.record({
  spec: specCase,
  read: readSettings,
  withMeta: fc.boolean(),
  examples: fc.oneof({ arbitrary: fc.constant([] as ExampleMutation[]), weight: 3 }, { arbitrary: fc.array(exampleMutation, { minLength: 1, maxLength: 3 }), weight: 2 }),
  lines: fc.oneof({ arbitrary: fc.constant([] as LineMutation[]), weight: 3 }, { arbitrary: fc.array(lineMutation, { minLength: 1, maxLength: 2 }), weight: 1 }),
  bytes: fc.oneof({ arbitrary: fc.constant([]), weight: 4 }, { arbitrary: fc.array(byteMutation, { minLength: 1, maxLength: 3 }), weight: 1 }),
  name: fc.constantFrom('set.jsonl', 'upload.txt'),
});

describe('jsonl fuzz', () => {
  it('every damaged file ends in a FormatError with a known code or a valid set, in bounded time', async () => {
    const tally = new OutcomeTally();
    const t0 = performance.now();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const spec = applySemantic(specOf(c.spec.set), c.spec.semantic);
        const text = new TextEncoder().encode(encode(spec, c.examples, c.lines, c.withMeta));
        tally.add(await fuzzRead(applyByteMutations(text, c.bytes), c.name, c.read));
      }),
      fuzzParams(1500),
    );
    console.info(`jsonl fuzz: ${(performance.now() - t0).toFixed(0)} ms; ${tally}`);
    expect(tally.count('ok')).toBeGreaterThan(50);
    expect(tally.distinct).toBeGreaterThan(12);
  }, 120_000);
});
