/**
 * A fingerprint of a data file, to check that the file dropped to resume an interrupted run is the one it
 * trained on: SHA-256 over the size and the whole file up to WHOLE_FILE_BYTES, else over its first, middle
 * and last SAMPLE_BYTES (a 1 GB file is not read again just to compare it). It is not a full-content hash;
 * the resume also requires the same size and the same parsed summary (N, L, vocabulary, teacher).
 */
import { blobBytes } from './read_blob.ts';

export const WHOLE_FILE_BYTES = 8 * 2 ** 20;
export const SAMPLE_BYTES = 2 ** 20;

export async function fingerprintBlob(blob: Blob): Promise<string> {
  const size = blob.size;
  const ranges: [number, number][] =
    size <= WHOLE_FILE_BYTES
      ? [[0, size]]
      : [
          [0, SAMPLE_BYTES],
          [Math.floor(size / 2 - SAMPLE_BYTES / 2), Math.floor(size / 2 + SAMPLE_BYTES / 2)],
          [size - SAMPLE_BYTES, size],
        ];
  const header = new TextEncoder().encode(`${size}:`);
  const parts = await Promise.all(ranges.map(([from, to]) => blobBytes(blob.slice(from, to))));
  const all = new Uint8Array(header.length + parts.reduce((n, p) => n + p.length, 0));
  all.set(header, 0);
  let offset = header.length;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
  return `sha256:${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}${size > WHOLE_FILE_BYTES ? ':sampled' : ''}`;
}
