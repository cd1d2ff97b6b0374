/**
 * Test-only: container-neutral descriptions of distillation sets for the fuzz tests (fuzz_harness.ts), the
 * "semantic" damage done to them before encoding (NaN, ids outside the vocabulary, inconsistent N / L, a
 * teacher output missing, wrong dtypes, hostile metadata), and the encoding of values into any dtype.
 */
import fc from 'fast-check';
import type { DistillSet } from './distill_set.ts';
import { metadataForExport } from './metadata_export.ts';
import { ITEM_BYTES, type DType } from './raw_tensor.ts';
import { arbitrarySet } from './test_sets.ts';

export type ValueKind = 'int' | 'float' | 'mask';

export interface TensorSpec {
  name: string;
  shape: number[];
  kind: ValueKind;
  /** Row-major values; may hold anything a mutation put there (NaN, 2^40, -1). */
  values: number[];
  /** Storage dtype forced by a mutation; otherwise the encoder picks one that holds the values. */
  dtype?: DType;
}

export interface SetSpec {
  tensors: TensorSpec[];
  metadata: Record<string, unknown>;
}

/** A JSON value nested `depth` levels deep, written as text by toJsonText (JSON.stringify would overflow the stack). */
export class Deep {
  constructor(readonly depth: number) {}
}

/** JSON text of a value that may hold NaN / ±Infinity (written as Python's json.dumps does) and Deep markers. */
export function toJsonText(v: unknown): string {
  if (v instanceof Deep) return '['.repeat(v.depth) + ']'.repeat(v.depth);
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(',')}]`;
  if (typeof v === 'object' && v !== null) return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(x)}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

export function specOf(set: DistillSet): SetSpec {
  const { n, seqLen: l, teacher } = set;
  const cls = set.task === 'classification';
  const t: TensorSpec[] = [
    { name: 'input_ids', shape: [n, l], kind: 'int', values: Array.from(set.inputIds) },
    { name: 'attention_mask', shape: [n, l], kind: 'mask', values: Array.from(set.attentionMask) },
  ];
  if (set.labels) t.push({ name: 'labels', shape: cls ? [n] : [n, l], kind: 'int', values: Array.from(set.labels) });
  if (teacher.kind === 'dense') {
    t.push({ name: 'teacher_logits', shape: cls ? [n, teacher.width] : [n, l, teacher.width], kind: 'float', values: Array.from(teacher.logits) });
  } else {
    t.push({ name: 'teacher_topk_ids', shape: [n, l, teacher.k], kind: 'int', values: Array.from(teacher.ids) });
    t.push({ name: 'teacher_topk_logits', shape: [n, l, teacher.k], kind: 'float', values: Array.from(teacher.logits) });
    if (teacher.logsumexp) t.push({ name: 'teacher_logsumexp', shape: [n, l], kind: 'float', values: Array.from(teacher.logsumexp) });
  }
  if (set.teacherHidden) t.push({ name: 'teacher_hidden', shape: [n, l, set.teacherHidden.size], kind: 'float', values: Array.from(set.teacherHidden.data) });
  return { tensors: t, metadata: { ...metadataForExport(set) } };
}

const NAMES = ['input_ids', 'attention_mask', 'labels', 'teacher_logits', 'teacher_topk_ids', 'teacher_topk_logits', 'teacher_logsumexp', 'teacher_hidden'];
const DTYPES: DType[] = ['f64', 'f32', 'f16', 'bf16', 'i64', 'i32', 'i16', 'i8', 'u64', 'u32', 'u16', 'u8', 'bool'];
/** Values that break one rule or another: non-finite, outside int32, outside any small vocabulary, not 0/1. */
const HOSTILE_VALUES = [NaN, Infinity, -Infinity, -1, -100, -101, 2, 9, 10, 255, 65504, 1e39, 0.5, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 40, -(2 ** 53)];
const META_KEYS = ['task', 'vocab_size', 'pad_id', 'mask_id', 'vocab', 'label_names', 'langs', 'split', 'teacher_params', 'teacher_ms_per_example', 'teacher_name', 'format_version', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'other'];
const META_VALUES: unknown[] = [
  null, '', 'None', 'null', '-1', '0', '3', '1e400', '99999999999999999999', 'NaN', '[1, 2', '["en"]', '["train", "test"]', '\ud800',
  'mlm', 'clm', 'classification', 'regression', -1, 0, 1, 2 ** 53, 1.5, NaN, true, [], ['en'], [1, 2], {}, { a: 1 }, new Deep(20_000), new Deep(50),
];

export type SemanticMutation =
  | { op: 'value'; pick: number; at: number; value: number }
  | { op: 'reshape'; pick: number; how: 'swap' | 'merge' | 'split' | 'grow' | 'shrink' | 'zero' | 'scalar' | 'huge'; dim: number }
  | { op: 'drop'; name: string }
  | { op: 'add'; name: string; shape: number[]; kind: ValueKind }
  | { op: 'rename'; pick: number; name: string }
  | { op: 'dtype'; pick: number; dtype: DType }
  | { op: 'meta'; key: string; value: unknown }
  | { op: 'unmeta'; key: string };

const frac = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const pick = fc.nat(20);

export const semanticMutation: fc.Arbitrary<SemanticMutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('value' as const), pick, at: frac, value: fc.constantFrom(...HOSTILE_VALUES) }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('reshape' as const), pick, how: fc.constantFrom('swap' as const, 'merge' as const, 'split' as const, 'grow' as const, 'shrink' as const, 'zero' as const, 'scalar' as const, 'huge' as const), dim: fc.nat(3) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('drop' as const), name: fc.constantFrom(...NAMES) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('add' as const), name: fc.constantFrom(...NAMES), shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }), kind: fc.constantFrom('int' as const, 'float' as const, 'mask' as const) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('rename' as const), pick, name: fc.constantFrom(...NAMES, '__proto__', 'x') }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('dtype' as const), pick, dtype: fc.constantFrom(...DTYPES) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('meta' as const), key: fc.constantFrom(...META_KEYS), value: fc.oneof(fc.constantFrom(...META_VALUES), fc.jsonValue({ maxDepth: 2 })) }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('unmeta' as const), key: fc.constantFrom(...META_KEYS) }), weight: 1 },
);

export function applySemantic(spec: SetSpec, muts: readonly SemanticMutation[]): SetSpec {
  const tensors = spec.tensors.map((t) => ({ ...t, shape: [...t.shape], values: [...t.values] }));
  const metadata: Record<string, unknown> = { ...spec.metadata };
  for (const m of muts) {
    const t = tensors.length > 0 && 'pick' in m ? tensors[m.pick % tensors.length] : undefined;
    if (m.op === 'value' && t && t.values.length > 0) t.values[Math.floor(m.at * t.values.length)] = m.value;
    else if (m.op === 'reshape' && t) reshape(t, m.how, m.dim);
    else if (m.op === 'drop') tensors.splice(0, tensors.length, ...tensors.filter((x) => x.name !== m.name));
    else if (m.op === 'add') tensors.push({ name: m.name, shape: m.shape, kind: m.kind, values: new Array(m.shape.reduce((a, b) => a * b, 1)).fill(m.kind === 'float' ? 0.5 : 1) });
    else if (m.op === 'rename' && t) t.name = m.name;
    else if (m.op === 'dtype' && t) t.dtype = m.dtype;
    else if (m.op === 'meta') Object.defineProperty(metadata, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    else if (m.op === 'unmeta') delete metadata[m.key];
  }
  return { tensors, metadata };
}

/** Changes a shape, resizing the values to match it (so the container stays self-consistent). */
function reshape(t: TensorSpec, how: string, dim: number): void {
  const s = t.shape;
  const d = s.length === 0 ? 0 : dim % s.length;
  if (how === 'swap' && s.length >= 2) [s[0], s[s.length - 1]] = [s[s.length - 1], s[0]];
  else if (how === 'merge' && s.length >= 2) s.splice(d === s.length - 1 ? d - 1 : d, 2, s[d === s.length - 1 ? d - 1 : d] * s[d === s.length - 1 ? d : d + 1]);
  else if (how === 'split') s.splice(d, 0, 1);
  else if (how === 'grow' && s.length > 0) s[d] += 1;
  else if (how === 'shrink' && s.length > 0) s[d] = Math.max(0, s[d] - 1);
  else if (how === 'zero' && s.length > 0) s[d] = 0;
  else if (how === 'scalar') s.splice(0, s.length);
  else if (how === 'huge' && s.length > 0) {
    s[d] = 1e9; // a dimension the file cannot hold: the values stay as they are (only the header lies)
    return;
  }
  const count = s.reduce((a, b) => a * b, 1);
  if (count > 100_000) return; // a dimension made huge earlier: the header keeps lying, the values stay small
  t.values = Array.from({ length: count }, (_, i) => t.values[i % Math.max(1, t.values.length)] ?? 0);
}

const CANDIDATES: Record<ValueKind, DType[]> = {
  int: ['i32', 'i64', 'i16', 'u16', 'u8', 'i8', 'u32', 'u64'],
  float: ['f32', 'f16', 'bf16', 'f64'],
  mask: ['u8', 'bool', 'i64', 'i32'],
};
const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  i32: [-(2 ** 31), 2 ** 31 - 1], i16: [-32768, 32767], i8: [-128, 127], u32: [0, 2 ** 32 - 1], u16: [0, 65535], u8: [0, 255], bool: [0, 1], u64: [0, 2 ** 53], i64: [-(2 ** 53), 2 ** 53],
};

/** The storage dtype of a tensor: the forced one, else the `choice`-th candidate that holds every value exactly. */
export function storageDtype(t: TensorSpec, choice: number): DType {
  if (t.dtype) return t.dtype;
  const c = CANDIDATES[t.kind];
  const want = c[choice % c.length];
  if (t.kind === 'float') return want;
  const fits = (d: DType): boolean => t.values.every((v) => Number.isInteger(v) && v >= (INT_RANGE[d]?.[0] ?? 0) && v <= (INT_RANGE[d]?.[1] ?? 0));
  return fits(want) ? want : fits('i64') ? 'i64' : 'f64';
}

/** Little-endian (or big-endian) bytes of `values` as `dtype`; integers wrap, non-finite integers become 0. */
export function encodeValues(dtype: DType, values: readonly number[], bigEndian = false): Uint8Array {
  const size = ITEM_BYTES[dtype];
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  const le = !bigEndian;
  values.forEach((x, i) => {
    const at = i * size;
    const int = Number.isFinite(x) ? Math.trunc(x) : 0;
    if (dtype === 'f64') v.setFloat64(at, x, le);
    else if (dtype === 'f32') v.setFloat32(at, x, le);
    else if (dtype === 'f16') v.setUint16(at, f32ToF16Bits(x), le);
    else if (dtype === 'bf16') v.setUint16(at, bf16Bits(x), le);
    else if (dtype === 'i64' || dtype === 'u64') v.setBigUint64(at, BigInt.asUintN(64, BigInt(int)), le);
    else if (dtype === 'i32' || dtype === 'u32') v.setUint32(at, int >>> 0, le);
    else if (dtype === 'i16' || dtype === 'u16') v.setUint16(at, int & 0xffff, le);
    else v.setUint8(at, int & 0xff);
  });
  return out;
}

function bf16Bits(x: number): number {
  const f = new Float32Array([x]);
  return new Uint32Array(f.buffer)[0] >>> 16;
}

/** float32 → nearest-ish binary16 bits (truncating the mantissa; exactness does not matter to the fuzzer). */
function f32ToF16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -24) return sign;
  const e = Math.max(-14, Math.floor(Math.log2(a)));
  if (e === -14 && a < 2 ** -14) return sign | Math.round(a / 2 ** -24);
  return sign | ((e + 15) << 10) | (Math.floor((a / 2 ** e - 1) * 1024) & 0x3ff);
}

/** A valid set to start from, the semantic damage, and one dtype choice per tensor. */
export const specCase = fc.record({
  set: arbitrarySet,
  semantic: fc.oneof({ arbitrary: fc.constant([] as SemanticMutation[]), weight: 2 }, { arbitrary: fc.array(semanticMutation, { minLength: 1, maxLength: 3 }), weight: 3 }),
  dtypes: fc.array(fc.nat(7), { minLength: 10, maxLength: 10 }),
});
