/**
 * Fuzz: safetensors files built from random valid sets, then damaged — semantically (fuzz_specs.ts), in the
 * JSON header (dtypes, shapes, offsets, __metadata__, the 8-byte length, the header's UTF-8) and byte by byte.
 * Every case must end in a FormatError with a known code or a valid set (fuzz_harness.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyByteMutations, byteMutation, fuzzParams, fuzzRead, OutcomeTally, readSettings } from './fuzz_harness.ts';
import { applySemantic, Deep, encodeValues, specCase, specOf, storageDtype, toJsonText, type SetSpec } from './fuzz_specs.ts';
import type { DType } from './raw_tensor.ts';

const ST_DTYPE: Record<DType, string> = { f64: 'F64', f32: 'F32', f16: 'F16', bf16: 'BF16', i64: 'I64', i32: 'I32', i16: 'I16', i8: 'I8', u64: 'U64', u32: 'U32', u16: 'U16', u8: 'U8', bool: 'BOOL' };

type Header = Record<string, unknown>;

function safetensorsParts(spec: SetSpec, dtypes: number[]): { header: Header; data: Uint8Array } {
  const header: Header = {};
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.metadata)) meta[k] = typeof v === 'string' ? v : toJsonText(v);
  if (Object.keys(meta).length > 0) header.__metadata__ = meta;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  spec.tensors.forEach((t, i) => {
    const dtype = storageDtype(t, dtypes[i % dtypes.length]);
    const bytes = encodeValues(dtype, t.values);
    Object.defineProperty(header, t.name, { value: { dtype: ST_DTYPE[dtype], shape: t.shape, data_offsets: [offset, offset + bytes.length] }, enumerable: true, configurable: true, writable: true });
    chunks.push(bytes);
    offset += bytes.length;
  });
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) data.set(c, (at += c.length) - c.length);
  return { header, data };
}

type HeaderMutation =
  | { op: 'field'; pick: number; field: 'dtype' | 'shape' | 'data_offsets'; value: unknown }
  | { op: 'delField'; pick: number; field: 'dtype' | 'shape' | 'data_offsets' }
  | { op: 'shift'; pick: number; begin: number; end: number }
  | { op: 'overlap'; pick: number; other: number; by: number }
  | { op: 'entry'; pick: number; value: unknown }
  | { op: 'metadata'; value: unknown }
  | { op: 'len'; value: bigint | 'minus' | 'plus' }
  | { op: 'text'; how: 'badUtf8' | 'surrogate' | 'truncate' | 'nul'; at: number };

const HOSTILE: Record<'dtype' | 'shape' | 'data_offsets', unknown[]> = {
  dtype: ['F17', 'f32', 'F8_E4M3', 'F8_E5M2', 'C64', 'F4', 'STR', 'constructor', '__proto__', 'toString', '', 5, null, ['F32']],
  shape: [[-1], [1e9, 1e9], [2 ** 53], [2 ** 31, 2 ** 31, 2 ** 31], [1.5], ['2'], [], [0], null, [[1]], new Deep(30_000), [1e308], 7],
  data_offsets: [[0], [8, 2], [0, 2 ** 53], [-1, 3], [0, 1e20], ['0', '4'], null, [0, 4, 8], [1.5, 4], new Deep(30_000), {}],
};
const field = fc.constantFrom('dtype' as const, 'shape' as const, 'data_offsets' as const);
const frac = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

const headerMutation: fc.Arbitrary<HeaderMutation> = fc.oneof(
  { arbitrary: field.chain((f) => fc.record({ op: fc.constant('field' as const), pick: fc.nat(9), field: fc.constant(f), value: fc.constantFrom(...HOSTILE[f]) })), weight: 4 },
  fc.record({ op: fc.constant('delField' as const), pick: fc.nat(9), field }),
  fc.record({ op: fc.constant('shift' as const), pick: fc.nat(9), begin: fc.integer({ min: -8, max: 8 }), end: fc.integer({ min: -8, max: 8 }) }),
  { arbitrary: fc.record({ op: fc.constant('overlap' as const), pick: fc.nat(9), other: fc.nat(9), by: fc.integer({ min: 1, max: 8 }) }), weight: 2 },
  fc.record({ op: fc.constant('entry' as const), pick: fc.nat(9), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(new Deep(30_000))) }),
  fc.record({ op: fc.constant('metadata' as const), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(new Deep(30_000)), fc.constant({ __proto__: 'x', constructor: '1', toString: '[1]' })) }),
  fc.record({ op: fc.constant('len' as const), value: fc.constantFrom(0n, 1n, 7n, 2n ** 63n, 2n ** 64n - 1n, 100_000_001n, 'minus' as const, 'plus' as const) }),
  fc.record({ op: fc.constant('text' as const), how: fc.constantFrom('badUtf8' as const, 'surrogate' as const, 'truncate' as const, 'nul' as const), at: frac }),
);

function encode(header: Header, data: Uint8Array, muts: readonly HeaderMutation[]): Uint8Array {
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const entryOf = (i: number): Record<string, unknown> | undefined => {
    const e = names.length > 0 ? header[names[i % names.length]] : undefined;
    return typeof e === 'object' && e !== null && !Array.isArray(e) ? (e as Record<string, unknown>) : undefined;
  };
  let len: bigint | 'minus' | 'plus' | undefined;
  const textMuts: Extract<HeaderMutation, { op: 'text' }>[] = [];
  for (const m of muts) {
    const e = 'pick' in m ? entryOf(m.pick) : undefined;
    if (m.op === 'field' && e) e[m.field] = m.value;
    else if (m.op === 'delField' && e) delete e[m.field];
    else if (m.op === 'shift' && e && Array.isArray(e.data_offsets)) e.data_offsets = [e.data_offsets[0] + m.begin, e.data_offsets[1] + m.end];
    else if (m.op === 'overlap' && e) {
      const o = entryOf(m.other);
      if (o && Array.isArray(o.data_offsets) && Array.isArray(e.data_offsets)) {
        const size = e.data_offsets[1] - e.data_offsets[0];
        e.data_offsets = [o.data_offsets[0] + m.by, o.data_offsets[0] + m.by + size];
      }
    } else if (m.op === 'entry' && names.length > 0) header[names[m.pick % names.length]] = m.value;
    else if (m.op === 'metadata') header.__metadata__ = m.value;
    else if (m.op === 'len') len = m.value;
    else if (m.op === 'text') textMuts.push(m);
  }
  let json = new TextEncoder().encode(toJsonText(header));
  for (const m of textMuts) {
    const at = Math.floor(m.at * json.length);
    const insert = m.how === 'badUtf8' ? [0xff, 0xfe] : m.how === 'surrogate' ? [0xed, 0xa0, 0x80] : m.how === 'nul' ? [0] : [];
    json = Uint8Array.from([...json.subarray(0, at), ...insert, ...(m.how === 'truncate' ? [] : json.subarray(at))]);
  }
  const n = BigInt(json.length);
  const headerLen = len === undefined ? n : len === 'minus' ? (n > 0n ? n - 1n : 0n) : len === 'plus' ? n + 1n : len;
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, headerLen), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const caseArb = fc.record({
  spec: specCase,
  read: readSettings,
  header: fc.oneof({ arbitrary: fc.constant([] as HeaderMutation[]), weight: 3 }, { arbitrary: fc.array(headerMutation, { minLength: 1, maxLength: 3 }), weight: 2 }),
  bytes: fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, { arbitrary: fc.array(byteMutation, { minLength: 1, maxLength: 3 }), weight: 1 }),
  name: fc.constantFrom('set.safetensors', 'upload.bin'),
});

describe('safetensors fuzz', () => {
  it('every damaged file ends in a FormatError with a known code or a valid set, in bounded time', async () => {
    const tally = new OutcomeTally();
    const t0 = performance.now();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const spec = applySemantic(specOf(c.spec.set), c.spec.semantic);
        const { header, data } = safetensorsParts(spec, c.spec.dtypes);
        tally.add(await fuzzRead(applyByteMutations(encode(header, data, c.header), c.bytes), c.name, c.read));
      }),
      fuzzParams(2000),
    );
    console.info(`safetensors fuzz: ${(performance.now() - t0).toFixed(0)} ms; ${tally}`);
    expect(tally.count('ok')).toBeGreaterThan(50);
    expect(tally.distinct).toBeGreaterThan(15);
  }, 120_000);
});
