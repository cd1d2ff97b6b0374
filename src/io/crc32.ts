/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip stores it. Incremental: pass the previous value. */

let table: Uint32Array | undefined;

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** crc32(bytes, crc32(prefix)) === crc32(prefix ++ bytes). */
export function crc32(bytes: Uint8Array, previous = 0): number {
  table ??= makeTable();
  const t = table;
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
