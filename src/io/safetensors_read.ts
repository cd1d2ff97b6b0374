/**
 * Reader for Hugging Face safetensors: [u64 LE header length n][n bytes of JSON header][data].
 * Header: { "__metadata__"?: {string: string}, name: { dtype, shape, data_offsets: [begin, end] } ... },
 * offsets relative to the start of the data section. https://github.com/huggingface/safetensors
 * Every offset and size is checked against the file before anything is allocated.
 */
import { BlobSource, type ReadOptions } from './blob_source.ts';
import { FormatError, jsonPreview, shapeStr } from './errors.ts';
import { count, MAX_HEADER_JSON_VALUES, scanJson, type JsonProblem } from './json_bounds.ts';
import { checkMemoryBudget, estimateMemory } from './memory_budget.ts';
import { ITEM_BYTES, MAX_TENSORS, elementCount, viewAs, type DType, type RawTensor, type TensorFile } from './raw_tensor.ts';

/** Same cap as the reference implementation (MAX_HEADER_SIZE): a header is metadata, not data. */
export const MAX_HEADER_BYTES = 100_000_000;

/** safetensors dtype strings we decode, and the RawTensor dtype each becomes. */
export const SAFETENSORS_DTYPES: Readonly<Record<string, DType>> = {
  F64: 'f64', F32: 'f32', F16: 'f16', BF16: 'bf16',
  I64: 'i64', I32: 'i32', I16: 'i16', I8: 'i8',
  U64: 'u64', U32: 'u32', U16: 'u16', U8: 'u8', BOOL: 'bool',
};

/** Deepest nesting a header needs is 3 (header → entry → shape); deeper is refused before JSON.parse. */
const MAX_HEADER_DEPTH = 8;

/** Valid safetensors dtypes this project does not accept (8/6/4-bit floats, complex). */
const UNSUPPORTED = new Set(['F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64']);

interface Entry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/** A safetensors file's validated header: every tensor's dtype, shape and byte range, and the metadata. */
export interface SafetensorsHeader {
  entries: Entry[];
  metadata: Record<string, unknown>;
  /** Byte offset of the data section; entry offsets are relative to it. */
  dataStart: number;
}

/** Reads and checks the header only, no tensor data (a checkpoint's index of what it holds: io/hf_checkpoint.ts). */
export async function readSafetensorsHeader(blob: Blob, opts: ReadOptions = {}): Promise<SafetensorsHeader> {
  const src = new BlobSource(blob, opts).lookahead();
  if (src.size < 8) {
    throw new FormatError('header_length', 'file too short for the 8-byte header length', { expected: '≥ 8 bytes', found: `${src.size} bytes`, offset: 0 });
  }
  const headerLen = new DataView((await src.read(0, 8, 'header length')).buffer).getBigUint64(0, true);
  if (headerLen > BigInt(src.size - 8) || headerLen > BigInt(MAX_HEADER_BYTES)) {
    throw new FormatError('header_length', 'header length runs past the end of the file (or over the 100 MB limit)', { expected: `≤ ${Math.min(src.size - 8, MAX_HEADER_BYTES)}`, found: headerLen.toString(), offset: 0 });
  }
  const dataStart = 8 + Number(headerLen);
  const { header } = parseHeader(await src.read(8, Number(headerLen), 'header'));
  const { entries, metadata } = checkEntries(header, src.size - dataStart, dataStart);
  return { entries, metadata, dataStart };
}

/** Reads a safetensors file; with ReadOptions.only, just those tensors (the others are listed as skipped). */
export async function readSafetensors(blob: Blob, opts: ReadOptions = {}): Promise<TensorFile> {
  const src = new BlobSource(blob, opts);
  if (src.size < 8) {
    throw new FormatError('header_length', 'file too short for the 8-byte header length', { expected: '≥ 8 bytes', found: `${src.size} bytes`, offset: 0 });
  }
  const lenBytes = await src.read(0, 8, 'header length');
  const headerLen = new DataView(lenBytes.buffer).getBigUint64(0, true);
  if (headerLen > BigInt(src.size - 8) || headerLen > BigInt(MAX_HEADER_BYTES)) {
    throw new FormatError('header_length', 'header length runs past the end of the file (or over the 100 MB limit)', {
      expected: `≤ ${Math.min(src.size - 8, MAX_HEADER_BYTES)}`,
      found: headerLen.toString(),
      offset: 0,
    });
  }
  const dataStart = 8 + Number(headerLen);
  const { header, heldBytes } = parseHeader(await src.read(8, Number(headerLen), 'header'));
  const dataBytes = src.size - dataStart;
  const { entries, metadata } = checkEntries(header, dataBytes, dataStart);
  const read = entries.filter((e) => src.wants(e.name));
  checkMemoryBudget(estimateMemory(read.map((e) => ({ name: e.name, dtype: e.dtype, count: (e.end - e.begin) / ITEM_BYTES[e.dtype] })), heldBytes), src.budgetBytes);

  const tensors = new Map<string, RawTensor>();
  for (const e of read.sort((a, b) => a.begin - b.begin)) {
    const bytes = await src.read(dataStart + e.begin, e.end - e.begin, e.name);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: viewAs(e.dtype, bytes) });
  }
  src.finish();
  const skipped = entries.filter((e) => !src.wants(e.name)).map((e) => e.name);
  return skipped.length > 0 ? { tensors, metadata, skipped } : { tensors, metadata };
}

/**
 * The header object, scanned first (json_bounds.ts): at most MAX_TENSORS entries, no name twice (JSON.parse
 * would keep the later one silently), bounded nesting and values. `heldBytes`: what the parsed header holds.
 */
function parseHeader(bytes: Uint8Array): { header: Record<string, unknown>; heldBytes: number } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError('bad_header', 'header is not UTF-8', { offset: 8 });
  }
  const limits = { maxDepth: MAX_HEADER_DEPTH, maxValues: MAX_HEADER_JSON_VALUES, uniqueKeysDepth: 2, maxKeys: MAX_TENSORS + 1 };
  const scan = scanJson(text, limits, headerProblem);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new FormatError('bad_header', `header is not JSON: ${(e as Error).message}`, { offset: 8, found: JSON.stringify(text.slice(0, 40)) });
  }
  if (!isObject(parsed)) throw new FormatError('bad_header', 'header must be a JSON object', { offset: 8, found: typeof parsed });
  // held while the entries are checked: the header's bytes, its text (two bytes a character at worst), the parse
  return { header: parsed, heldBytes: bytes.length + 2 * text.length + scan.heldBytes() };
}

function headerProblem(p: JsonProblem): FormatError {
  switch (p.kind) {
    case 'duplicate':
      return p.depth === 1
        ? new FormatError('duplicate_tensor', 'tensor named twice in the header (JSON keeps only the later entry)', { tensor: p.key, offset: 8 })
        : new FormatError('bad_header', 'a key given twice in one header entry', { tensor: p.key, offset: 8 });
    case 'keys':
      if (p.depth > 1) return new FormatError('bad_header', `a header entry with more than ${count(p.limit)} keys`, { offset: 8 });
      return new FormatError('too_large', `the header lists more than ${count(MAX_TENSORS)} tensors, at most ${count(MAX_TENSORS)} are read`, { expected: `≤ ${count(MAX_TENSORS)} tensors`, offset: 8 });
    case 'values':
      return new FormatError('too_large', `the header holds more than ${count(p.limit)} JSON values`, { expected: `≤ ${count(p.limit)} values`, offset: 8 });
    case 'depth':
      return new FormatError('bad_header', `header nested more than ${p.limit} levels deep`, { expected: 'header → entry → shape (3 levels)', offset: 8 });
  }
}

function checkEntries(header: Record<string, unknown>, dataBytes: number, dataStart: number): { entries: Entry[]; metadata: Record<string, unknown> } {
  const entries: Entry[] = [];
  let metadata: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isObject(value)) throw new FormatError('bad_header', '__metadata__ must be an object of strings', { tensor: name, offset: 8 });
      metadata = value;
      continue;
    }
    entries.push(checkEntry(name, value, dataBytes));
  }
  if (entries.length > MAX_TENSORS) {
    throw new FormatError('too_large', `the header lists ${count(entries.length)} tensors, at most ${count(MAX_TENSORS)} are read`, { expected: `≤ ${count(MAX_TENSORS)} tensors`, offset: 8 });
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (cur.begin < prev.end) {
      throw new FormatError('bad_offsets', `data_offsets overlap those of "${prev.name}"`, {
        tensor: cur.name,
        expected: `begin ≥ ${prev.end}`,
        found: `[${cur.begin}, ${cur.end}]`,
        offset: dataStart + cur.begin,
      });
    }
  }
  return { entries, metadata };
}

function checkEntry(name: string, value: unknown, dataBytes: number): Entry {
  if (!isObject(value)) throw new FormatError('bad_header', 'header entry must be an object', { tensor: name, offset: 8 });
  const { dtype: dtypeStr, shape, data_offsets: offsets } = value;
  if (typeof dtypeStr !== 'string') throw new FormatError('bad_header', 'dtype must be a string', { tensor: name, offset: 8 });
  const dtype = Object.hasOwn(SAFETENSORS_DTYPES, dtypeStr) ? SAFETENSORS_DTYPES[dtypeStr] : undefined; // not "constructor" & co.
  if (dtype === undefined) {
    const code = UNSUPPORTED.has(dtypeStr) ? 'unsupported_dtype' : 'unknown_dtype';
    throw new FormatError(code, 'dtype not supported', { tensor: name, expected: Object.keys(SAFETENSORS_DTYPES).join('|'), found: dtypeStr });
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new FormatError('bad_header', 'shape must be a list of non-negative integers', { tensor: name, found: jsonPreview(shape) });
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new FormatError('bad_offsets', 'data_offsets must be [begin, end] non-negative integers', { tensor: name, found: jsonPreview(offsets) });
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataBytes) {
    throw new FormatError('bad_offsets', 'data_offsets out of range of the data section', {
      tensor: name,
      expected: `0 ≤ begin ≤ end ≤ ${dataBytes}`,
      found: `[${begin}, ${end}]`,
    });
  }
  const count = elementCount(shape as number[]);
  const want = count * ITEM_BYTES[dtype];
  if (!(want === end - begin)) {
    throw new FormatError('size_mismatch', `byte size does not match ${dtypeStr} × ${shapeStr(shape as number[])}`, {
      tensor: name,
      expected: Number.isSafeInteger(want) ? `${want} bytes` : 'a size below 2^53 bytes',
      found: `${end - begin} bytes`,
    });
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
