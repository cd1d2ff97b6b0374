/**
 * Fuzz: .npz files (stored, deflated, ZIP64) built from random valid sets, then damaged — semantically
 * (fuzz_specs.ts), in each member's .npy header (descr, shape, fortran_order, version, header length), in the
 * `metadata` member, in the zip records (central directory, local headers, end records) and byte by byte.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyByteMutations, byteMutation, fuzzParams, fuzzRead, OutcomeTally, readSettings } from './fuzz_harness.ts';
import { applySemantic, encodeValues, specCase, specOf, storageDtype, toJsonText, type SetSpec } from './fuzz_specs.ts';
import type { DType } from './raw_tensor.ts';
import { makeZip, npyBytes, type ZipMemberSpec } from './test_helpers.ts';

const DESCR: Record<DType, string> = { f64: 'f8', f32: 'f4', f16: 'f2', bf16: 'V2', i64: 'i8', i32: 'i4', i16: 'i2', i8: 'i1', u64: 'u8', u32: 'u4', u16: 'u2', u8: 'u1', bool: 'b1' };

interface Layout {
  dtypes: number[];
  deflate: boolean[];
  bigEndian: boolean[];
  metaForm: 'U' | 'S' | 'none';
  zip64: boolean;
}

type NpyMutation =
  | { op: 'dict'; pick: number; key: 'descr' | 'shape' | 'fortran_order'; text: string }
  | { op: 'rawDict'; pick: number; text: string }
  | { op: 'preamble'; pick: number; at: number; value: number }
  /** Damages a member's array bytes before zipping, so the CRC still matches and the damage reaches the decoders. */
  | { op: 'data'; pick: number; at: number; value: number };

type ZipMutation = { op: 'field'; sig: 'central' | 'local' | 'eocd' | 'zip64eocd'; index: number; at: number; size: 2 | 4 | 8; value: number | 'plus' | 'minus' };

const HOSTILE_DICT: Record<'descr' | 'shape' | 'fortran_order', string[]> = {
  descr: ["'<f3'", "'|V2'", "'<c8'", "'O'", "'|O'", "'<U0'", "'|S0'", "'<U99999999999999999999'", "'<m8'", "'x'", "[('a', '<f4')]", "5", "'>i8'", "'=f4'", "'constructor'"],
  shape: ['(1000000000, 1000000000)', '(-1,)', '()', '(1152921504606846976,)', '(1.5,)', '((1,),)', "('a',)", '('.repeat(5000) + ')'.repeat(5000), '[2, 2]', '(0,)', '(4294967296, 4294967296, 4294967296)'],
  fortran_order: ['True', "'yes'", '1', 'None'],
};

const npyMutation: fc.Arbitrary<NpyMutation> = fc.oneof(
  {
    arbitrary: fc.constantFrom('descr' as const, 'shape' as const, 'fortran_order' as const).chain((key) => fc.record({ op: fc.constant('dict' as const), pick: fc.nat(9), key: fc.constant(key), text: fc.constantFrom(...HOSTILE_DICT[key]) })),
    weight: 4,
  },
  fc.record({ op: fc.constant('rawDict' as const), pick: fc.nat(9), text: fc.constantFrom('', '{', "{'descr': '<f4'}", '[1, 2]', "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1, }", "{1: 2}", 'x'.repeat(70_000)) }),
  fc.record({ op: fc.constant('preamble' as const), pick: fc.nat(9), at: fc.integer({ min: 0, max: 11 }), value: fc.integer({ min: 0, max: 255 }) }),
  { arbitrary: fc.record({ op: fc.constant('data' as const), pick: fc.nat(9), at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), value: fc.constantFrom(0x00, 0xff, 0x80, 0xc3, 0xed, 0x22, 0x5c, 0x7f) }), weight: 2 },
);

const zipMutation: fc.Arbitrary<ZipMutation> = fc.record({
  op: fc.constant('field' as const),
  sig: fc.constantFrom('central' as const, 'local' as const, 'eocd' as const, 'zip64eocd' as const),
  index: fc.nat(9),
  at: fc.integer({ min: 4, max: 100 }),
  size: fc.constantFrom(2 as const, 4 as const, 8 as const),
  value: fc.oneof(fc.constantFrom(0, 1, 0xffff, 0xffffffff, 0x7fffffff, 2 ** 53, 'plus' as const, 'minus' as const), fc.nat()),
});

function npyOf(descr: string, shape: readonly number[], data: Uint8Array, fortran = 'False'): { dict: Record<string, string>; data: Uint8Array } {
  return { dict: { descr: `'${descr}'`, fortran_order: fortran, shape: shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})` }, data };
}

function buildNpz(spec: SetSpec, layout: Layout, npyMuts: readonly NpyMutation[]): Promise<Uint8Array> {
  const members: { name: string; dict: Record<string, string>; raw?: string; data: Uint8Array; pre: [number, number][] }[] = [];
  spec.tensors.forEach((t, i) => {
    let dtype = storageDtype(t, layout.dtypes[i % layout.dtypes.length]);
    if (dtype === 'bf16' && !t.dtype) dtype = 'f32'; // numpy has no bf16: only a forced dtype writes '|V2'
    const big = layout.bigEndian[i % layout.bigEndian.length];
    const order = DESCR[dtype].endsWith('1') ? '|' : big ? '>' : '<';
    members.push({ name: `${t.name}.npy`, ...npyOf(`${order}${DESCR[dtype]}`, t.shape, encodeValues(dtype, t.values, big)), pre: [] });
  });
  if (layout.metaForm !== 'none') {
    const text = toJsonText(spec.metadata);
    const bytes = layout.metaForm === 'S' ? new TextEncoder().encode(text) : new Uint8Array(Uint32Array.from(Array.from(text, (c) => c.codePointAt(0) ?? 0)).buffer);
    const width = layout.metaForm === 'S' ? bytes.length : bytes.length / 4;
    members.push({ name: 'metadata.npy', ...npyOf(`${layout.metaForm === 'S' ? '|' : '<'}${layout.metaForm}${width}`, [], bytes), pre: [] });
  }
  for (const m of npyMuts) {
    const target = members[m.pick % members.length];
    if (m.op === 'dict') target.dict[m.key] = m.text;
    else if (m.op === 'rawDict') target.raw = m.text;
    else if (m.op === 'data' && target.data.length > 0) (target.data = target.data.slice())[Math.floor(m.at * target.data.length)] = m.value;
    else if (m.op === 'preamble') target.pre.push([m.at, m.value]);
  }
  const specs: ZipMemberSpec[] = members.map((m, i) => {
    const dict = m.raw ?? `{${Object.entries(m.dict).map(([k, v]) => `'${k}': ${v}`).join(', ')}, }`;
    const bytes = npyBytes(dict, m.data);
    for (const [at, value] of m.pre) bytes[at] = value;
    return { name: m.name, data: bytes, deflate: layout.deflate[i % layout.deflate.length] };
  });
  return makeZip(specs, { zip64: layout.zip64 });
}

const SIGNATURES = { central: [0x50, 0x4b, 1, 2], local: [0x50, 0x4b, 3, 4], eocd: [0x50, 0x4b, 5, 6], zip64eocd: [0x50, 0x4b, 6, 6] };

/** Overwrites a little-endian field of the index-th record with the given signature. */
function applyZip(bytes: Uint8Array, muts: readonly ZipMutation[]): Uint8Array {
  const out = bytes.slice();
  const v = new DataView(out.buffer);
  for (const m of muts) {
    const sig = SIGNATURES[m.sig];
    const starts: number[] = [];
    for (let i = 0; i + 4 <= out.length; i++) if (sig.every((b, j) => out[i + j] === b)) starts.push(i);
    if (starts.length === 0) continue;
    const at = starts[m.index % starts.length] + m.at;
    if (at + m.size > out.length) continue;
    const old = m.size === 2 ? v.getUint16(at, true) : m.size === 4 ? v.getUint32(at, true) : Number(v.getBigUint64(at, true));
    const x = m.value === 'plus' ? old + 1 : m.value === 'minus' ? old - 1 : m.value;
    if (m.size === 2) v.setUint16(at, x & 0xffff, true);
    else if (m.size === 4) v.setUint32(at, x >>> 0, true);
    else v.setBigUint64(at, BigInt.asUintN(64, BigInt(Math.trunc(x))), true);
  }
  return out;
}

const caseArb = fc.record({
  spec: specCase,
  read: readSettings,
  layout: fc.record({
    dtypes: fc.array(fc.nat(7), { minLength: 10, maxLength: 10 }),
    deflate: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
    bigEndian: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
    metaForm: fc.constantFrom('U' as const, 'S' as const, 'none' as const),
    zip64: fc.boolean(),
  }),
  npy: fc.oneof({ arbitrary: fc.constant([] as NpyMutation[]), weight: 3 }, { arbitrary: fc.array(npyMutation, { minLength: 1, maxLength: 2 }), weight: 2 }),
  zip: fc.oneof({ arbitrary: fc.constant([] as ZipMutation[]), weight: 3 }, { arbitrary: fc.array(zipMutation, { minLength: 1, maxLength: 3 }), weight: 2 }),
  bytes: fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, { arbitrary: fc.array(byteMutation, { minLength: 1, maxLength: 3 }), weight: 1 }),
  name: fc.constantFrom('set.npz', 'upload.bin'),
});

describe('npz fuzz', () => {
  it('every damaged archive ends in a FormatError with a known code or a valid set, in bounded time', async () => {
    const tally = new OutcomeTally();
    const t0 = performance.now();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const spec = applySemantic(specOf(c.spec.set), c.spec.semantic);
        const zip = applyZip(await buildNpz(spec, c.layout, c.npy), c.zip);
        tally.add(await fuzzRead(applyByteMutations(zip, c.bytes), c.name, c.read));
      }),
      fuzzParams(1200),
    );
    console.info(`npz fuzz: ${(performance.now() - t0).toFixed(0)} ms; ${tally}`);
    expect(tally.count('ok')).toBeGreaterThan(30);
    expect(tally.distinct).toBeGreaterThan(15);
  }, 120_000);
});
