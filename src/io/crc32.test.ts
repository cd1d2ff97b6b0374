import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.ts';

describe('crc32', () => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  it('matches the standard check value', () => {
    expect(crc32(enc('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
  it('is incremental', () => {
    expect(crc32(enc('56789'), crc32(enc('1234')))).toBe(0xcbf43926);
  });
  it('gives the byte-at-a-time result for every length and split (slicing-by-8 path and its tail)', () => {
    let table: number[] | undefined;
    const reference = (bytes: Uint8Array, previous = 0): number => {
      table ??= Array.from({ length: 256 }, (_, n) => {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        return c >>> 0;
      });
      let c = (previous ^ 0xffffffff) >>> 0;
      for (const b of bytes) c = (table[(c ^ b) & 0xff] ^ (c >>> 8)) >>> 0;
      return (c ^ 0xffffffff) >>> 0;
    };
    const data = Uint8Array.from({ length: 67 }, (_, i) => (i * 151 + 7) & 0xff);
    for (let len = 0; len <= data.length; len++) expect(crc32(data.subarray(0, len))).toBe(reference(data.subarray(0, len)));
    for (let cut = 0; cut <= data.length; cut += 5) expect(crc32(data.subarray(cut), crc32(data.subarray(0, cut)))).toBe(reference(data));
    // Views at every alignment of the underlying buffer.
    for (let offset = 0; offset < 4; offset++) expect(crc32(data.subarray(offset, offset + 40))).toBe(reference(data.subarray(offset, offset + 40)));
  });
});
