/**
 * Zip archive access over a BlobSource, as much as .npz needs: the central directory (read from the end,
 * ZIP64 included), then each member by its local header, stored or deflated, CRC-checked.
 * Limits: one disk (no split archives), no encryption, methods 0 (stored) and 8 (deflate) only.
 * Spec: PKWARE APPNOTE.TXT 6.3.
 */
import type { BlobSource } from './blob_source.ts';
import { crc32 } from './crc32.ts';
import { FormatError } from './errors.ts';
import { allocateBytes } from './memory_budget.ts';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the member's local file header. */
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_BYTES = 22;
const MAX_COMMENT = 0xffff;
/** Deflate cannot expand more than ~1032:1, so a larger declared size is a lie (or a bomb). */
const MAX_DEFLATE_RATIO = 1032;

/** Bytes one parsed directory entry holds (the ZipEntry object, its name string): V8 x64, rounded up. */
export const ZIP_ENTRY_BYTES = 256;

/**
 * Reads the central directory: the entries in stored order. An archive of more than `maxEntries` members is
 * refused from its end record, before the directory is read (each member costs time and bookkeeping).
 */
export async function readZipDirectory(src: BlobSource, maxEntries = Number.POSITIVE_INFINITY): Promise<ZipEntry[]> {
  if (src.size < EOCD_BYTES) throw zipError('file too short to be a zip archive', 0);
  const tailStart = Math.max(0, src.size - EOCD_BYTES - MAX_COMMENT);
  const tail = await src.read(tailStart, src.size - tailStart, 'zip end of central directory');
  const tv = view(tail);
  let eocd = -1;
  for (let i = tail.length - EOCD_BYTES; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD_SIG && i + EOCD_BYTES + tv.getUint16(i + 20, true) <= tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw zipError('end of central directory not found: not a zip, or truncated', src.size);
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  const eocdOffset = tailStart + eocd;
  let cdEnd = eocdOffset;
  if (eocd >= 20 && tv.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIG) {
    const z64Offset = u64(tv, eocd - 20 + 8, eocdOffset - 12);
    const rec = view(await src.read(z64Offset, 56, 'zip64 end of central directory'));
    if (rec.getUint32(0, true) !== ZIP64_EOCD_SIG) throw zipError('bad zip64 end-of-central-directory signature', z64Offset);
    count = u64(rec, 32, z64Offset + 32);
    cdSize = u64(rec, 40, z64Offset + 40);
    cdOffset = u64(rec, 48, z64Offset + 48);
    cdEnd = z64Offset;
  }
  if (count > maxEntries) {
    throw new FormatError('too_large', `the archive has ${count.toLocaleString('en-US')} members, at most ${maxEntries.toLocaleString('en-US')} are read`, { expected: `≤ ${maxEntries} members`, found: `${count} members` });
  }
  if (cdOffset + cdSize > cdEnd || count * 46 > cdSize) {
    throw new FormatError('zip', 'central directory out of range: truncated archive?', { expected: `end ≤ ${cdEnd}`, found: `[${cdOffset}, ${cdOffset + cdSize})`, offset: cdOffset });
  }
  const cd = await src.read(cdOffset, cdSize, 'zip central directory');
  return parseCentralDirectory(cd, count, cdOffset, src.size);
}

function parseCentralDirectory(cd: Uint8Array, count: number, base: number, fileSize: number): ZipEntry[] {
  const v = view(cd);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || v.getUint32(p, true) !== CENTRAL_SIG) throw zipError('bad central directory entry', base + p);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    if (p + 46 + nameLen + extraLen + commentLen > cd.length) throw zipError('central directory entry runs past the directory', base + p);
    const name = new TextDecoder('utf-8').decode(cd.subarray(p + 46, p + 46 + nameLen));
    const e: ZipEntry = {
      name,
      method: v.getUint16(p + 10, true),
      flags: v.getUint16(p + 8, true),
      crc32: v.getUint32(p + 16, true),
      compressedSize: v.getUint32(p + 20, true),
      uncompressedSize: v.getUint32(p + 24, true),
      localHeaderOffset: v.getUint32(p + 42, true),
    };
    applyZip64Extra(e, v, p + 46 + nameLen, extraLen, base);
    if (e.localHeaderOffset + 30 + e.compressedSize > fileSize) {
      throw new FormatError('truncated', 'zip member runs past the end of the file', { tensor: name, expected: `${e.localHeaderOffset + 30 + e.compressedSize} bytes`, found: `${fileSize} bytes`, offset: e.localHeaderOffset });
    }
    entries.push(e);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** ZIP64 extended information (header id 1): 64-bit values for the fields saturated at 0xFFFFFFFF, in this order. */
function applyZip64Extra(e: ZipEntry, v: DataView, start: number, len: number, base: number): void {
  const end = start + len;
  for (let q = start; q + 4 <= end; ) {
    const id = v.getUint16(q, true);
    const size = v.getUint16(q + 2, true);
    if (id === 1) {
      let r = q + 4;
      const fieldEnd = Math.min(q + 4 + size, end); // a sub-field must not claim bytes past the extra field
      const next = (): number => {
        if (r + 8 > fieldEnd) throw zipError('zip64 extra field too short', base + q);
        const x = u64(v, r, base + r);
        r += 8;
        return x;
      };
      if (e.uncompressedSize === 0xffffffff) e.uncompressedSize = next();
      if (e.compressedSize === 0xffffffff) e.compressedSize = next();
      if (e.localHeaderOffset === 0xffffffff) e.localHeaderOffset = next();
    }
    q += 4 + size;
  }
}

/** The member's bytes, uncompressed and CRC-checked. Allocates only the declared (and plausible) size. */
export async function readZipMember(src: BlobSource, e: ZipEntry): Promise<Uint8Array> {
  const dataOffset = await memberDataOffset(src, e);
  let bytes: Uint8Array;
  let crc = 0;
  if (e.method === 0) {
    // Stored: the CRC runs chunk by chunk while the next chunk is being read (BlobSource's look-ahead).
    bytes = await src.read(dataOffset, e.compressedSize, e.name, (chunk) => {
      crc = crc32(chunk, crc);
    });
  } else {
    bytes = await inflate(src, dataOffset, e, e.uncompressedSize);
    crc = crc32(bytes);
  }
  if (crc !== e.crc32) throw new FormatError('zip_crc', 'CRC-32 mismatch: corrupt member', { tensor: e.name, expected: hex(e.crc32), found: hex(crc), offset: dataOffset });
  return bytes;
}

/**
 * The first min(length, uncompressed size) bytes of the member, inflating no more than needed (no CRC check:
 * readers peek at headers with it, then read the whole member with readZipMember).
 */
export async function readZipMemberPrefix(src: BlobSource, e: ZipEntry, length: number): Promise<Uint8Array> {
  const dataOffset = await memberDataOffset(src, e);
  const n = Math.min(length, e.uncompressedSize);
  return e.method === 0 ? src.read(dataOffset, n, e.name) : inflate(src, dataOffset, e, n);
}

/** Checks method, flags, local header and sizes; returns where the member's (compressed) bytes start. */
async function memberDataOffset(src: BlobSource, e: ZipEntry): Promise<number> {
  if (e.flags & 1) throw new FormatError('zip_method', 'encrypted zip members are not supported', { tensor: e.name });
  if (e.method !== 0 && e.method !== 8) throw new FormatError('zip_method', 'unsupported zip compression method', { tensor: e.name, expected: '0 (stored) | 8 (deflate)', found: String(e.method) });
  const local = view(await src.read(e.localHeaderOffset, 30, `${e.name} local header`));
  if (local.getUint32(0, true) !== LOCAL_SIG) throw zipError('bad local file header signature', e.localHeaderOffset, e.name);
  const dataOffset = e.localHeaderOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
  src.assertInside(dataOffset, e.compressedSize, e.name);
  if (e.method === 0 && e.compressedSize !== e.uncompressedSize) {
    throw new FormatError('zip', 'stored member with different compressed and uncompressed sizes', { tensor: e.name, expected: String(e.uncompressedSize), found: String(e.compressedSize) });
  }
  if (e.method === 8 && e.uncompressedSize > e.compressedSize * MAX_DEFLATE_RATIO + 1024) {
    throw new FormatError('zip', 'declared uncompressed size is impossible for its compressed size', { tensor: e.name, expected: `≤ ${e.compressedSize * MAX_DEFLATE_RATIO + 1024}`, found: String(e.uncompressedSize) });
  }
  return dataOffset;
}

/**
 * Streams the deflated bytes through DecompressionStream('deflate-raw') into a buffer of `limit` bytes: the
 * declared size (the whole member, which must inflate to exactly that), or less to read only a prefix.
 */
async function inflate(src: BlobSource, offset: number, e: ZipEntry, limit: number): Promise<Uint8Array> {
  const out = allocateBytes(limit, e.name);
  const prefix = limit < e.uncompressedSize;
  if (prefix && limit === 0) return out;
  let pos = 0;
  let full = false; // a prefix read has all it wants: the rest of the stream is dropped
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const bad = (why: string, cause?: unknown): FormatError =>
    new FormatError('zip_inflate', `${why}${cause instanceof Error ? `: ${cause.message}` : ''}`, { tensor: e.name, expected: `${e.uncompressedSize} bytes`, found: `${pos} bytes`, offset });
  const pump = (async (): Promise<FormatError | undefined> => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        const room = out.length - pos;
        if (prefix && value.byteLength >= room) {
          out.set(value.subarray(0, room), pos);
          pos += room;
          full = true;
          await reader.cancel();
          return undefined;
        }
        if (value.byteLength > room) {
          await reader.cancel();
          return bad('inflates past its declared size');
        }
        out.set(value, pos);
        pos += value.byteLength;
      }
    } catch (err) {
      return bad('corrupt deflate stream', err);
    }
  })();
  try {
    for await (const chunk of src.chunks(offset, e.compressedSize, e.name)) {
      if (full) break;
      await writer.write(chunk);
    }
    if (!full) await writer.close();
  } catch (err) {
    const streamError = await settle(writer, pump);
    if (full) return out; // cancelling the readable side after the prefix errors the writable side: expected
    // Errors of the source (abort, short read) pass through; stream errors become zip_inflate.
    if (err instanceof FormatError || src.isAbortError(err)) throw err;
    throw streamError ?? bad('corrupt deflate stream', err);
  }
  const pumpError = await pump;
  if (pumpError) throw pumpError;
  if (full) {
    await writer.abort().catch(() => undefined);
    return out;
  }
  if (pos !== out.length) throw bad('inflated size differs from the declared size');
  return out;
}

async function settle(writer: WritableStreamDefaultWriter<BufferSource>, pump: Promise<FormatError | undefined>): Promise<FormatError | undefined> {
  await writer.abort().catch(() => undefined);
  return pump;
}

function u64(v: DataView, at: number, fileOffset: number): number {
  const x = v.getBigUint64(at, true);
  if (x > BigInt(Number.MAX_SAFE_INTEGER)) throw zipError('64-bit size or offset too large', fileOffset);
  return Number(x);
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function zipError(message: string, offset: number, tensor?: string): FormatError {
  return new FormatError('zip', message, { offset, tensor });
}

function hex(x: number): string {
  return `0x${x.toString(16).padStart(8, '0')}`;
}
