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
});
