/**
 * A stored (uncompressed) zip archive of named files, for downloading a whole directory from the page
 * (a student directory, a PyTorch handoff). Weights barely deflate, so storing is the honest choice: the
 * archive is the files plus ~100 bytes each. ZIP64 is written when the archive passes 4 GiB or 65,535 files
 * would not fit the classic fields. Spec: PKWARE APPNOTE.TXT 6.3 (sections 4.3, 4.5.3).
 */
import { crc32 } from './crc32.ts';
import type { NamedFile } from './student_files.ts';

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const EOCD_SIG = 0x06054b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const U32_MAX = 0xffffffff;
const UTF8_FLAG = 1 << 11; // names are UTF-8
/** A fixed timestamp (1980-01-01 00:00) so the same files give the same bytes. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

function setU64(v: DataView, at: number, value: number): void {
  v.setBigUint64(at, BigInt(value), true);
}

/** The archive's parts (a Blob of them avoids one giant copy of every file's bytes). */
export function zipParts(files: readonly NamedFile[]): Uint8Array<ArrayBuffer>[] {
  const enc = new TextEncoder();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const central: Uint8Array<ArrayBuffer>[] = [];
  let offset = 0;
  for (const file of files) {
    const name = enc.encode(file.name);
    const size = file.bytes.byteLength;
    const crc = crc32(file.bytes);
    const big = size >= U32_MAX || offset >= U32_MAX;
    const extraLocal = big ? 20 : 0;
    const local = new Uint8Array(30 + name.length + extraLocal);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, LOCAL_SIG, true);
    lv.setUint16(4, big ? 45 : 20, true); // version needed
    lv.setUint16(6, UTF8_FLAG, true);
    lv.setUint16(8, 0, true); // stored
    lv.setUint16(12, DOS_DATE, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, big ? U32_MAX : size, true);
    lv.setUint32(22, big ? U32_MAX : size, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, extraLocal, true);
    local.set(name, 30);
    if (big) {
      lv.setUint16(30 + name.length, 0x0001, true);
      lv.setUint16(32 + name.length, 16, true);
      setU64(lv, 34 + name.length, size);
      setU64(lv, 42 + name.length, size);
    }
    const extraCentral = big ? 28 : 0;
    const entry = new Uint8Array(46 + name.length + extraCentral);
    const cv = new DataView(entry.buffer);
    cv.setUint32(0, CENTRAL_SIG, true);
    cv.setUint16(4, big ? 45 : 20, true); // version made by
    cv.setUint16(6, big ? 45 : 20, true);
    cv.setUint16(8, UTF8_FLAG, true);
    cv.setUint16(14, DOS_DATE, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, big ? U32_MAX : size, true);
    cv.setUint32(24, big ? U32_MAX : size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint16(30, extraCentral, true);
    cv.setUint32(42, big ? U32_MAX : offset, true);
    entry.set(name, 46);
    if (big) {
      cv.setUint16(46 + name.length, 0x0001, true);
      cv.setUint16(48 + name.length, 24, true);
      setU64(cv, 50 + name.length, size);
      setU64(cv, 58 + name.length, size);
      setU64(cv, 66 + name.length, offset);
    }
    parts.push(local, new Uint8Array(file.bytes));
    central.push(entry);
    offset += local.length + size;
  }
  const centralSize = central.reduce((s, c) => s + c.length, 0);
  parts.push(...central);
  const zip64 = offset >= U32_MAX || files.length >= 0xffff || centralSize >= U32_MAX;
  if (zip64) {
    const rec = new Uint8Array(56 + 20);
    const rv = new DataView(rec.buffer);
    rv.setUint32(0, ZIP64_EOCD_SIG, true);
    setU64(rv, 4, 44);
    rv.setUint16(12, 45, true);
    rv.setUint16(14, 45, true);
    setU64(rv, 24, files.length);
    setU64(rv, 32, files.length);
    setU64(rv, 40, centralSize);
    setU64(rv, 48, offset);
    rv.setUint32(56, ZIP64_LOCATOR_SIG, true);
    setU64(rv, 64, offset + centralSize);
    rv.setUint32(72, 1, true);
    parts.push(rec);
  }
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, EOCD_SIG, true);
  ev.setUint16(8, zip64 ? 0xffff : files.length, true);
  ev.setUint16(10, zip64 ? 0xffff : files.length, true);
  ev.setUint32(12, zip64 ? U32_MAX : centralSize, true);
  ev.setUint32(16, zip64 ? U32_MAX : offset, true);
  parts.push(eocd);
  return parts;
}

/** The archive as one Blob (type application/zip). */
export function zipBlob(files: readonly NamedFile[]): Blob {
  return new Blob(zipParts(files), { type: 'application/zip' });
}
