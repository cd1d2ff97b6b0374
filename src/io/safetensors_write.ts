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

/** A tensor whose bytes are read only when the writer reaches it (streamed writing: one tensor's copy alive at a time). */
export interface SafetensorsSource {
  name: string;
  dtype: SafetensorsDType;
  shape: readonly number[];
  read(): Promise<ArrayBufferView> | ArrayBufferView;
}

/** The file's header and the sorted tensors, checked; `out` is the whole file with the header written, data zeroed. */
function layout<T extends { name: string; dtype: SafetensorsDType; shape: readonly number[] }>(tensors: readonly T[], metadata: Record<string, string>) {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const sizes: number[] = [];
  for (const [i, t] of sorted.entries()) {
    if (t.name === '__metadata__' || (i > 0 && sorted[i - 1].name === t.name)) throw new FormatError('duplicate_tensor', 'tensor name reserved or repeated', { tensor: t.name });
    const dtype = SAFETENSORS_DTYPES[t.dtype];
    if (dtype === undefined) throw new FormatError('unknown_dtype', 'cannot write dtype', { tensor: t.name, expected: Object.keys(SAFETENSORS_DTYPES).join('|'), found: String(t.dtype) });
    const bytes = elementCount(t.shape) * ITEM_BYTES[dtype];
    header[t.name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    sizes.push(bytes);
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  return { sorted, sizes, out, dataStart: 8 + headerLen };
}

function checkSize(t: { name: string; dtype: string; shape: readonly number[] }, data: ArrayBufferView, bytes: number): void {
  if (bytes !== data.byteLength) throw new FormatError('size_mismatch', `data does not fit ${t.dtype} × ${shapeStr(t.shape)}`, { tensor: t.name, expected: `${bytes} bytes`, found: `${data.byteLength} bytes` });
}

const bytesOf = (data: ArrayBufferView) => new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/** Encodes tensors and a string metadata map (omitted from the header when empty). */
export function encodeSafetensors(tensors: readonly SafetensorsEntry[], metadata: Record<string, string> = {}): Uint8Array<ArrayBuffer> {
  const { sorted, sizes, out, dataStart } = layout(tensors, metadata);
  sorted.forEach((t, i) => checkSize(t, t.data, sizes[i]));
  let pos = dataStart;
  for (const t of sorted) {
    out.set(bytesOf(t.data), pos);
    pos += t.data.byteLength;
  }
  return out;
}

/**
 * The same bytes as encodeSafetensors, read tensor by tensor into the one output buffer: each source's copy is
 * let go before the next is read, so writing N bytes of tensors holds N + the largest tensor, not 2N.
 */
export async function encodeSafetensorsStreamed(tensors: readonly SafetensorsSource[], metadata: Record<string, string> = {}): Promise<Uint8Array<ArrayBuffer>> {
  const { sorted, sizes, out, dataStart } = layout(tensors, metadata);
  let pos = dataStart;
  for (const [i, t] of sorted.entries()) {
    const data = await t.read();
    checkSize(t, data, sizes[i]);
    out.set(bytesOf(data), pos);
    pos += sizes[i];
  }
  return out;
}
