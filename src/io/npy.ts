/**
 * NumPy .npy decoding (format versions 1.0, 2.0, 3.0):
 * "\x93NUMPY" major minor, header length (u16 LE for v1, u32 LE for v2/v3), a Python dict literal
 * {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with spaces and '\n', then the data.
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { FormatError, jsonPreview, shapeStr } from './errors.ts';
import { ITEM_BYTES, elementCount, viewAs, type DType, type RawTensor } from './raw_tensor.ts';
import { parsePyLiteral } from './py_literal.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Bytes before the header dict's length is known: magic (6) + version (2) + length (up to 4). */
export const NPY_PREAMBLE_BYTES = 12;

/** numpy descr kind+size → our dtype (bf16 has no numpy descr; ml_dtypes writes an opaque '|V2'). */
const NUMERIC: Readonly<Record<string, DType>> = {
  f8: 'f64', f4: 'f32', f2: 'f16',
  i8: 'i64', i4: 'i32', i2: 'i16', i1: 'i8',
  u8: 'u64', u4: 'u32', u2: 'u16', u1: 'u8', b1: 'bool',
};

export type NpyElement =
  | { kind: 'numeric'; dtype: DType; bigEndian: boolean }
  | { kind: 'unicode'; chars: number; bigEndian: boolean } // '<U7': UTF-32, 7 code units per item
  | { kind: 'bytes'; chars: number }; // '|S7': 7 bytes per item, NUL padded

export interface NpyHeader {
  element: NpyElement;
  shape: number[];
  /** Byte offset of the data from the start of the .npy stream. */
  dataOffset: number;
  /** shape × itemsize: the exact byte count the data must have. */
  dataBytes: number;
}

export type NpyArray = { kind: 'tensor'; tensor: RawTensor } | { kind: 'strings'; shape: number[]; values: string[] };

/** Total header size (magic through dict) from the first NPY_PREAMBLE_BYTES bytes of a stream. */
export function npyHeaderLength(pre: Uint8Array, name: string): number {
  if (pre.length < 10 || !MAGIC.every((b, i) => pre[i] === b)) {
    throw new FormatError('npy_magic', 'not a .npy array (bad magic)', { tensor: name, expected: '\\x93NUMPY', found: hexPrefix(pre), offset: 0 });
  }
  const major = pre[6];
  const view = new DataView(pre.buffer, pre.byteOffset, pre.byteLength);
  if (major === 1) return 10 + view.getUint16(8, true);
  if ((major === 2 || major === 3) && pre.length >= 12) return 12 + view.getUint32(8, true);
  throw new FormatError('npy_header', 'unsupported .npy format version', { tensor: name, expected: '1.0|2.0|3.0', found: `${major}.${pre[7]}`, offset: 6 });
}

/** Parses the header (the first npyHeaderLength bytes of the stream). */
export function parseNpyHeader(bytes: Uint8Array, name: string): NpyHeader {
  const dataOffset = npyHeaderLength(bytes, name);
  if (bytes.length < dataOffset) throw new FormatError('truncated', '.npy header runs past the end of the member', { tensor: name, expected: `${dataOffset} bytes`, found: `${bytes.length} bytes` });
  const start = bytes[6] === 1 ? 10 : 12;
  const text = new TextDecoder(bytes[6] === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, dataOffset));
  let dict: unknown;
  try {
    dict = parsePyLiteral(text);
  } catch (e) {
    throw new FormatError('npy_header', `header is not a Python dict literal: ${(e as Error).message}`, { tensor: name, found: JSON.stringify(text.trim().slice(0, 60)), offset: start });
  }
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) throw new FormatError('npy_header', 'header must be a dict', { tensor: name, offset: start });
  const { descr, fortran_order: fortran, shape } = dict as Record<string, unknown>;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new FormatError('npy_header', "'shape' must be a tuple of non-negative integers", { tensor: name, found: jsonPreview(shape) });
  }
  if (fortran === true && shape.filter((d) => d > 1).length > 1) {
    throw new FormatError('fortran_order', 'column-major (Fortran-order) arrays are not supported: save np.ascontiguousarray(x)', { tensor: name, expected: 'fortran_order False', found: 'True' });
  }
  const element = parseDescr(descr, name);
  const count = elementCount(shape as number[]);
  const dataBytes = count * itemBytes(element);
  if (!Number.isSafeInteger(dataBytes)) throw new FormatError('npy_header', 'shape too large', { tensor: name, found: shapeStr(shape as number[]) });
  return { element, shape: shape as number[], dataOffset, dataBytes };
}

/** Decodes `data` (exactly header.dataBytes long) into a tensor or, for unicode / bytes arrays, strings. */
export function decodeNpyData(header: NpyHeader, data: Uint8Array, name: string): NpyArray {
  if (data.byteLength !== header.dataBytes) {
    throw new FormatError('size_mismatch', `byte size does not match the header's shape ${shapeStr(header.shape)}`, { tensor: name, expected: `${header.dataBytes} bytes`, found: `${data.byteLength} bytes` });
  }
  const el = header.element;
  if (el.kind === 'numeric') {
    const bytes = el.bigEndian && ITEM_BYTES[el.dtype] > 1 ? swapBytes(data, ITEM_BYTES[el.dtype]) : data;
    return { kind: 'tensor', tensor: { dtype: el.dtype, shape: header.shape, data: viewAs(el.dtype, bytes) } };
  }
  const values: string[] = [];
  const size = itemBytes(el);
  for (let off = 0; off < data.byteLength; off += size) values.push(decodeString(el, data.subarray(off, off + size), name));
  return { kind: 'strings', shape: header.shape, values };
}

/** Whole .npy stream → array (used for members already in memory). */
export function decodeNpy(bytes: Uint8Array, name: string): NpyArray {
  const header = parseNpyHeader(bytes, name);
  return decodeNpyData(header, bytes.subarray(header.dataOffset), name);
}

function parseDescr(descr: unknown, name: string): NpyElement {
  const m = typeof descr === 'string' ? /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(descr) : null;
  if (!m) throw new FormatError('unsupported_dtype', 'unsupported numpy dtype (structured, object or unsized)', { tensor: name, expected: '<f4|<f2|<f8|<i8|<i4|<u1|?|<U…|S…', found: jsonPreview(descr) });
  const [, order, kind, sizeStr] = m;
  const bigEndian = order === '>';
  const size = Number(sizeStr);
  if (kind === 'U') return { kind: 'unicode', chars: size, bigEndian };
  if (kind === 'S' || kind === 'a') return { kind: 'bytes', chars: size };
  const key = kind === '?' ? 'b1' : `${kind}${size}`;
  const dtype = Object.hasOwn(NUMERIC, key) ? NUMERIC[key] : undefined;
  if (dtype === undefined) {
    const code = ['f', 'i', 'u', 'b', 'c', 'V', 'O', 'M', 'm'].includes(kind) ? 'unsupported_dtype' : 'unknown_dtype';
    throw new FormatError(code, 'unsupported numpy dtype', { tensor: name, expected: '<f4|<f2|<f8|<i8|<i4|<u1|?|<U…|S…', found: descr as string });
  }
  return { kind: 'numeric', dtype, bigEndian };
}

function itemBytes(el: NpyElement): number {
  if (el.kind === 'numeric') return ITEM_BYTES[el.dtype];
  return el.kind === 'unicode' ? 4 * el.chars : el.chars;
}

function decodeString(el: NpyElement, bytes: Uint8Array, name: string): string {
  if (el.kind === 'bytes') {
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end--;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    } catch {
      // string arrays are only read for the npz `metadata` member (others are refused from their header)
      throw new FormatError('bad_metadata', '|S bytes are not UTF-8', { tensor: name, expected: 'UTF-8 JSON text' });
    }
  }
  // UTF-32 → UTF-16 code units in one typed array, then one native decode: no JS array of code points (a few
  // hundred million of them once aborted V8), at most two units a character.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const littleEndian = !(el.kind === 'unicode' && el.bigEndian);
  const units = new Uint16Array(bytes.length / 2);
  let n = 0;
  for (let off = 0; off < bytes.length; off += 4) {
    let cp = view.getUint32(off, littleEndian);
    if (cp === 0) break; // numpy pads with NUL code points
    if (cp > 0x10ffff) cp = 0xfffd;
    if (cp < 0x10000) {
      units[n++] = cp;
    } else {
      cp -= 0x10000;
      units[n++] = 0xd800 | (cp >> 10);
      units[n++] = 0xdc00 | (cp & 0x3ff);
    }
  }
  return UTF16.decode(units.subarray(0, n));
}

/** Lone surrogates (UTF-32 values in [0xD800, 0xDFFF]) become U+FFFD. */
const UTF16 = new TextDecoder('utf-16le');

function swapBytes(data: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += size) for (let j = 0; j < size; j++) out[i + j] = data[i + size - 1 - j];
  return out;
}

function hexPrefix(b: Uint8Array): string {
  return Array.from(b.subarray(0, 6), (x) => x.toString(16).padStart(2, '0')).join(' ');
}
