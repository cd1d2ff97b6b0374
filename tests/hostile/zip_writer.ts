/**
 * Writes hostile zip / npz files straight to disk, small there whatever they declare: a stored member may be a
 * hole (a sparse file region), a deflated member may be a precompressed stream repeated many times, and the
 * CRC-32 of zero runs is computed in O(log n) (the GF(2) "append zeros" operator, as zlib's crc32_combine).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { constants, deflateRawSync } from 'node:zlib';
import { crc32 } from '../../src/io/crc32.ts';

export interface ZipMemberOut {
  name: string;
  method: 0 | 8;
  crc: number;
  uncompressedSize: number;
  /** The bytes stored in the archive; `hole` zero bytes after `head` are left unwritten (stored members only). */
  payload: Uint8Array | { head: Uint8Array; hole: number };
}

/** Writes a single-disk zip (32-bit member fields: every size and offset must stay below 4 GiB). */
export function writeZip(file: string, members: readonly ZipMemberOut[]): void {
  const fd = openSync(file, 'w');
  let pos = 0;
  const put = (bytes: Uint8Array): void => {
    writeSync(fd, bytes, 0, bytes.length, pos);
    pos += bytes.length;
  };
  const central: Uint8Array[] = [];
  for (const m of members) {
    const name = new TextEncoder().encode(m.name);
    const compressed = m.payload instanceof Uint8Array ? m.payload.length : m.payload.head.length + m.payload.hole;
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, m.method, true);
    lv.setUint32(14, m.crc, true);
    lv.setUint32(18, compressed, true);
    lv.setUint32(22, m.uncompressedSize, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const c = new Uint8Array(46 + name.length);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, m.method, true);
    cv.setUint32(16, m.crc, true);
    cv.setUint32(20, compressed, true);
    cv.setUint32(24, m.uncompressedSize, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, pos, true);
    c.set(name, 46);
    central.push(c);
    put(local);
    if (m.payload instanceof Uint8Array) {
      put(m.payload);
    } else {
      put(m.payload.head);
      pos += m.payload.hole; // a hole: the next write lands past it
    }
  }
  const cdOffset = pos;
  for (const c of central) put(c);
  const cdSize = pos - cdOffset;
  const zip64 = members.length > 0xffff; // the 16-bit entry counts saturate: ZIP64 end records carry the count
  if (zip64) {
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
    locv.setBigUint64(8, BigInt(pos), true);
    locv.setUint32(16, 1, true);
    put(rec);
    put(loc);
  }
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  const count = zip64 ? 0xffff : members.length;
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, count, true);
  ev.setUint16(10, count, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, cdOffset, true);
  put(eocd);
  closeSync(fd);
}

/** A .npy stream header (format 1.0) for a dict literal, padded like numpy. */
export function npyHeader(dict: string): Uint8Array {
  const body = dict + ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, body.length, true);
  out.set(new TextEncoder().encode(body), 10);
  return out;
}

/** An in-memory .npy member (header + data), stored. */
export function npyMember(name: string, dict: string, data: Uint8Array): ZipMemberOut {
  const head = npyHeader(dict);
  const bytes = new Uint8Array(head.length + data.length);
  bytes.set(head);
  bytes.set(data, head.length);
  return { name, method: 0, crc: crc32(bytes), uncompressedSize: bytes.length, payload: bytes };
}

/**
 * A deflated member: `head` followed by `chunk` repeated `times` times, compressed once per part (sync-flushed
 * deflate blocks are byte-aligned and not final, so the chunk's block can be repeated; a final empty block
 * ends the stream). The chunk's length must keep its pattern's period aligned across repeats.
 */
export function repeatedDeflateMember(name: string, head: Uint8Array, chunk: Uint8Array, times: number): ZipMemberOut {
  const flush = { finishFlush: constants.Z_SYNC_FLUSH, level: 9 };
  const headBlock = deflateRawSync(head, flush);
  const chunkBlock = deflateRawSync(chunk, flush);
  const FINAL_EMPTY_BLOCK = Uint8Array.of(0x03, 0x00); // BFINAL = 1, fixed Huffman, end-of-block
  const payload = new Uint8Array(headBlock.length + times * chunkBlock.length + 2);
  payload.set(headBlock);
  for (let i = 0; i < times; i++) payload.set(chunkBlock, headBlock.length + i * chunkBlock.length);
  payload.set(FINAL_EMPTY_BLOCK, payload.length - 2);
  let crc = crc32(head);
  const zeros = chunk.every((b) => b === 0);
  if (zeros) crc = crc32Zeros(crc, times * chunk.length);
  else for (let i = 0; i < times; i++) crc = crc32(chunk, crc);
  return { name, method: 8, crc, uncompressedSize: head.length + times * chunk.length, payload };
}

/** A stored member: an npy header, then `zeroBytes` zeros left as a hole in the file. */
export function sparseStoredMember(name: string, dict: string, zeroBytes: number): ZipMemberOut {
  const head = npyHeader(dict);
  return { name, method: 0, crc: crc32Zeros(crc32(head), zeroBytes), uncompressedSize: head.length + zeroBytes, payload: { head, hole: zeroBytes } };
}

// ---- CRC-32 of a run of zero bytes: the register update is linear over GF(2), so n zero bytes are M^(8n). ----

function gf2Times(mat: Uint32Array, vec: number): number {
  let sum = 0;
  for (let i = 0; vec !== 0; i++, vec >>>= 1) if (vec & 1) sum ^= mat[i];
  return sum >>> 0;
}

function gf2Square(mat: Uint32Array): Uint32Array<ArrayBuffer> {
  const out = new Uint32Array(32);
  for (let n = 0; n < 32; n++) out[n] = gf2Times(mat, mat[n]);
  return out;
}

/** crc32(zeros(n), previous) without touching n bytes. */
export function crc32Zeros(previous: number, n: number): number {
  let reg = (previous ^ 0xffffffff) >>> 0;
  let op: Uint32Array<ArrayBuffer> = new Uint32Array(32); // one zero bit
  op[0] = 0xedb88320;
  for (let i = 1; i < 32; i++) op[i] = 1 << (i - 1);
  op = gf2Square(gf2Square(gf2Square(op))); // one zero byte (8 bits)
  for (let k = n; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) reg = gf2Times(op, reg);
    op = gf2Square(op);
  }
  return (reg ^ 0xffffffff) >>> 0;
}
