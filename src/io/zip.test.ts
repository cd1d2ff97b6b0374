import { describe, expect, it } from 'vitest';
import { BlobSource } from './blob_source.ts';
import { crc32 } from './crc32.ts';
import { blobOf, makeZip } from './test_helpers.ts';
import { readZipDirectory, readZipMember } from './zip.ts';

const payload = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 5)) & 0xff);
const source = (bytes: Uint8Array, chunkBytes?: number): BlobSource => new BlobSource(blobOf(bytes), { chunkBytes });

async function readAll(bytes: Uint8Array, chunkBytes?: number): Promise<Record<string, Uint8Array>> {
  const src = source(bytes, chunkBytes);
  const out: Record<string, Uint8Array> = {};
  for (const e of await readZipDirectory(src)) out[e.name] = await readZipMember(src, e);
  return out;
}

describe('zip', () => {
  const a = payload(1000, 1);
  const b = new Uint8Array(5000); // compresses well

  it('reads stored and deflated members, across chunk boundaries', async () => {
    const zip = await makeZip([{ name: 'a.npy', data: a }, { name: 'b.npy', data: b, deflate: true }]);
    for (const chunk of [undefined, 7, 64]) {
      const m = await readAll(zip, chunk);
      expect(m['a.npy']).toEqual(a);
      expect(m['b.npy']).toEqual(b);
    }
  });
  it('reads ZIP64 records (zip64 end of central directory, 64-bit extras)', async () => {
    const zip = await makeZip([{ name: 'a.npy', data: a, deflate: true }, { name: 'b.npy', data: b }], { zip64: true });
    const src = source(zip);
    const entries = await readZipDirectory(src);
    expect(entries.map((e) => [e.name, e.uncompressedSize])).toEqual([['a.npy', 1000], ['b.npy', 5000]]);
    expect(entries[1].localHeaderOffset).toBeGreaterThan(0);
    expect(await readZipMember(src, entries[1])).toEqual(b);
  });
  it('refuses a truncated archive (no end of central directory)', async () => {
    const zip = await makeZip([{ name: 'a.npy', data: a }]);
    await expect(readAll(zip.subarray(0, zip.length - 10))).rejects.toMatchObject({ code: 'zip' });
    await expect(readAll(zip.subarray(0, 10))).rejects.toMatchObject({ code: 'zip' });
  });
  it('refuses a central directory pointing past the data', async () => {
    const zip = await makeZip([{ name: 'a.npy', data: a }]);
    const cut = new Uint8Array([...zip.subarray(0, 500), ...zip.subarray(zip.length - 22 - 41 - 22)]); // keep CD + EOCD
    await expect(readAll(cut)).rejects.toMatchObject({ code: expect.stringMatching(/^(zip|truncated)$/) });
  });
  it('refuses a member whose data runs past the end of the file', async () => {
    const zip = await makeZip([{ name: 'a.npy', data: a }]);
    const v = new DataView(zip.buffer, zip.byteOffset);
    const cd = zip.length - 22 - (46 + 5);
    v.setUint32(cd + 20, 1e6, true);
    v.setUint32(cd + 24, 1e6, true);
    await expect(readAll(zip)).rejects.toMatchObject({ code: 'truncated', tensor: 'a.npy' });
  });
  it('refuses a CRC mismatch, naming the member', async () => {
    const zip = await makeZip([{ name: 'a.npy', data: a, crc: crc32(a) ^ 1 }]);
    await expect(readAll(zip)).rejects.toMatchObject({ code: 'zip_crc', tensor: 'a.npy' });
  });
  it('refuses a corrupt or truncated deflate stream', async () => {
    const good = await makeZip([{ name: 'b.npy', data: payload(3000, 2), deflate: true }]);
    const corrupt = good.slice();
    corrupt.fill(0xff, 40, 60);
    await expect(readAll(corrupt)).rejects.toMatchObject({ code: expect.stringMatching(/^zip_(inflate|crc)$/) });
    // declare a longer uncompressed size than the stream yields
    const longer = good.slice();
    const v = new DataView(longer.buffer);
    const cd = longer.length - 22 - (46 + 5);
    v.setUint32(cd + 24, 3001, true);
    await expect(readAll(longer)).rejects.toMatchObject({ code: 'zip_inflate', tensor: 'b.npy' });
  });
  it('refuses an impossible compression ratio before allocating', async () => {
    const zip = await makeZip([{ name: 'b.npy', data: b, deflate: true }]);
    const v = new DataView(zip.buffer);
    v.setUint32(zip.length - 22 - (46 + 5) + 24, 0xfffffff0, true);
    await expect(readAll(zip)).rejects.toMatchObject({ code: 'zip', tensor: 'b.npy' });
  });
  it('refuses other compression methods and encryption', async () => {
    await expect(readAll(await makeZip([{ name: 'a.npy', data: a, method: 12 }]))).rejects.toMatchObject({ code: 'zip_method', found: '12' });
    const enc = await makeZip([{ name: 'a.npy', data: a }]);
    new DataView(enc.buffer).setUint16(enc.length - 22 - (46 + 5) + 8, 1, true);
    await expect(readAll(enc)).rejects.toMatchObject({ code: 'zip_method' });
  });
  it('passes an abort through unchanged', async () => {
    const zip = await makeZip([{ name: 'b.npy', data: payload(4000), deflate: true }]);
    const ctl = new AbortController();
    const reason = new Error('user cancelled');
    const src = new BlobSource(blobOf(zip), { chunkBytes: 16, signal: ctl.signal, onProgress: (r) => r > zip.length / 2 && ctl.abort(reason) });
    const entries = await readZipDirectory(new BlobSource(blobOf(zip)));
    await expect(readZipMember(src, entries[0])).rejects.toBe(reason);
  });
});
