/**
 * Test-only builders: zip archives (stored / deflated, optional ZIP64 records), .npy streams, raw
 * safetensors with arbitrary headers, TensorFiles for contract tests, fixture blobs. Not exported by index.ts.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32 } from './crc32.ts';
import type { DType, RawTensor, TensorFile, TypedArray } from './raw_tensor.ts';

export function fixtureBlob(name: string): Blob {
  return new Blob([readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)))]);
}

export function blobOf(bytes: Uint8Array | string): Blob {
  return new Blob([bytes as BlobPart]);
}

/** A Blob-shaped view of `blob` that records every byte range the readers ask for (they use only size and slice). */
export function recordingBlob(blob: Blob): { blob: Blob; slices: [number, number][] } {
  const slices: [number, number][] = [];
  const fake = { size: blob.size, slice: (a: number, b: number) => (slices.push([a, b]), blob.slice(a, b)) };
  return { blob: fake as unknown as Blob, slices };
}

export function sliceBytes(slices: readonly [number, number][]): number {
  return slices.reduce((s, [a, b]) => s + (b - a), 0);
}

/** safetensors bytes from a header object (serialised as is, not padded) and a data section. */
export function rawSafetensors(header: unknown, data: Uint8Array = new Uint8Array(0), lengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** A .npy stream (format 1.0) with a literal header dict text, padded like numpy to a 64-byte boundary. */
export function npyBytes(dict: string, data: Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const body = dict + ' '.repeat((64 - ((pre + dict.length + 1) % 64)) % 64) + '\n';
  const head = new Uint8Array(pre + body.length);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(head.buffer);
  if (version === 1) v.setUint16(8, body.length, true);
  else v.setUint32(8, body.length, true);
  head.set(new TextEncoder().encode(body), pre);
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}

export interface ZipMemberSpec {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
  /** Stored CRC override (to test CRC checks). */
  crc?: number;
  method?: number;
}

/** A zip archive. zip64: central entries carry ZIP64 extras (saturated 32-bit fields) plus ZIP64 end records. */
export async function makeZip(members: ZipMemberSpec[], opts: { zip64?: boolean } = {}): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const payload = m.deflate ? await deflateRaw(m.data) : m.data;
    const name = new TextEncoder().encode(m.name);
    const crc = m.crc ?? crc32(m.data);
    const method = m.method ?? (m.deflate ? 8 : 0);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, method, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, payload.length, true);
    lv.setUint32(22, m.data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const extra = opts.zip64 ? new Uint8Array(4 + 24) : new Uint8Array(0);
    if (opts.zip64) {
      const ev = new DataView(extra.buffer);
      ev.setUint16(0, 1, true);
      ev.setUint16(2, 24, true);
      ev.setBigUint64(4, BigInt(m.data.length), true);
      ev.setBigUint64(12, BigInt(payload.length), true);
      ev.setBigUint64(20, BigInt(offset), true);
    }
    const c = new Uint8Array(46 + name.length + extra.length);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 45, true);
    cv.setUint16(6, 45, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true);
    const sat = (x: number): number => (opts.zip64 ? 0xffffffff : x);
    cv.setUint32(20, sat(payload.length), true);
    cv.setUint32(24, sat(m.data.length), true);
    cv.setUint16(28, name.length, true);
    cv.setUint16(30, extra.length, true);
    cv.setUint32(42, sat(offset), true);
    c.set(name, 46);
    c.set(extra, 46 + name.length);
    central.push(c);
    parts.push(local, payload);
    offset += local.length + payload.length;
  }
  const cdOffset = offset;
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  parts.push(...central);
  offset += cdSize;
  if (opts.zip64) {
    const rec = new Uint8Array(56);
    const rv = new DataView(rec.buffer);
    rv.setUint32(0, 0x06064b50, true);
    rv.setBigUint64(4, 44n, true);
    rv.setBigUint64(24, BigInt(members.length), true);
    rv.setBigUint64(32, BigInt(members.length), true);
    rv.setBigUint64(40, BigInt(cdSize), true);
    rv.setBigUint64(48, BigInt(cdOffset), true);
    const loc = new Uint8Array(20);
    const locv = new DataView(loc.buffer);
    locv.setUint32(0, 0x07064b50, true);
    locv.setBigUint64(8, BigInt(offset), true);
    locv.setUint32(16, 1, true);
    parts.push(rec, loc);
  }
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, opts.zip64 ? 0xffff : members.length, true);
  ev.setUint16(10, opts.zip64 ? 0xffff : members.length, true);
  ev.setUint32(12, opts.zip64 ? 0xffffffff : cdSize, true);
  ev.setUint32(16, opts.zip64 ? 0xffffffff : cdOffset, true);
  parts.push(eocd);
  return concatBytes(parts);
}

export async function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export function bytesOf(x: ArrayBufferView): Uint8Array {
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

export function tensor(dtype: DType, shape: number[], data: TypedArray): RawTensor {
  return { dtype, shape, data };
}

/** A TensorFile from a name → tensor record (insertion order kept). */
export function tensorFile(tensors: Record<string, RawTensor>, metadata: Record<string, unknown> = {}): TensorFile {
  return { tensors: new Map(Object.entries(tensors)), metadata };
}

/** ((i % mod) - shift) / scale over the flat index i (the fixtures' ramp()). */
export function ramp(count: number, mod: number, shift: number, scale: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => ((i % mod) - shift) / scale);
}

/**
 * Writes a safetensors set whose data section is a hole (a sparse file: costs neither RAM nor disk):
 * input_ids I32 [n, seqLen] and a dense teacher_logits [n, seqLen, vocabSize], all zeros, so the set is valid
 * (pad_id is 1 unless `metadata` says otherwise: the zero ids are real tokens, not an all-padding set).
 * For big-file tests. Returns `file`.
 */
export function writeSparseSafetensors(
  file: string,
  shape: { n: number; seqLen: number; vocabSize: number },
  opts: { logitsDtype?: 'F32' | 'F16'; metadata?: Record<string, string> } = {},
): string {
  const { n, seqLen, vocabSize } = shape;
  const logitsDtype = opts.logitsDtype ?? 'F32';
  const idsBytes = n * seqLen * 4;
  const logitsBytes = n * seqLen * vocabSize * (logitsDtype === 'F32' ? 4 : 2);
  const header = JSON.stringify({
    __metadata__: { pad_id: '1', ...opts.metadata },
    input_ids: { dtype: 'I32', shape: [n, seqLen], data_offsets: [0, idsBytes] },
    teacher_logits: { dtype: logitsDtype, shape: [n, seqLen, vocabSize], data_offsets: [idsBytes, idsBytes + logitsBytes] },
  });
  const head = new Uint8Array(8 + header.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(header.length), true);
  head.set(new TextEncoder().encode(header), 8);
  const fd = openSync(file, 'w');
  writeSync(fd, head);
  ftruncateSync(fd, head.length + idsBytes + logitsBytes);
  closeSync(fd);
  return file;
}
