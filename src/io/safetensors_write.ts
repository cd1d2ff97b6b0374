/**
 * safetensors writer: [u64 LE header length][JSON header, space-padded to 8-byte alignment][data].
 * Tensors are laid out in name order (deterministic bytes for equal input). Used for student weights,
 * `distill predict` output and whole DistillSets (distill_set_write.ts).
 */
import { FormatError, shapeStr } from './errors.ts';
import { ITEM_BYTES, elementCount } from './raw_tensor.ts';
import { SAFETENSORS_DTYPES } from './safetensors_read.ts';

export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: readonly number[];
  /** Little-endian element bytes: Float32Array for F32, Int32Array for I32, BigInt64Array for I64, Uint16Array bit patterns for F16/BF16, … */
  data: ArrayBufferView;
}

/** Encodes tensors and a string metadata map (omitted from the header when empty). */
export function encodeSafetensors(tensors: readonly SafetensorsEntry[], metadata: Record<string, string> = {}): Uint8Array<ArrayBuffer> {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [i, t] of sorted.entries()) {
    if (t.name === '__metadata__' || (i > 0 && sorted[i - 1].name === t.name)) throw new FormatError('duplicate_tensor', 'tensor name reserved or repeated', { tensor: t.name });
    const dtype = SAFETENSORS_DTYPES[t.dtype];
    if (dtype === undefined) throw new FormatError('unknown_dtype', 'cannot write dtype', { tensor: t.name, expected: Object.keys(SAFETENSORS_DTYPES).join('|'), found: String(t.dtype) });
    const bytes = elementCount(t.shape) * ITEM_BYTES[dtype];
    if (bytes !== t.data.byteLength) throw new FormatError('size_mismatch', `data does not fit ${t.dtype} × ${shapeStr(t.shape)}`, { tensor: t.name, expected: `${bytes} bytes`, found: `${t.data.byteLength} bytes` });
    header[t.name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const t of sorted) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    pos += t.data.byteLength;
  }
  return out;
}
