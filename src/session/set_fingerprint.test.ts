import { describe, expect, it } from 'vitest';
import { fingerprintBlob, WHOLE_FILE_BYTES } from './set_fingerprint.ts';

describe('fingerprintBlob', () => {
  it('is the SHA-256 of the size and the whole of a small file', async () => {
    const a = await fingerprintBlob(new Blob(['abc']));
    expect(a).toBe(await fingerprintBlob(new Blob(['abc'])));
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a).not.toBe(await fingerprintBlob(new Blob(['abd'])));
    expect(a).not.toBe(await fingerprintBlob(new Blob(['abc ']))); // the size counts
  });

  it('samples the start, middle and end of a large file', async () => {
    const bytes = new Uint8Array(WHOLE_FILE_BYTES + 1024);
    const base = await fingerprintBlob(new Blob([bytes]));
    expect(base).toMatch(/:sampled$/);
    const middle = bytes.slice();
    middle[Math.floor(middle.length / 2)] = 1;
    expect(await fingerprintBlob(new Blob([middle]))).not.toBe(base);
    const end = bytes.slice();
    end[end.length - 1] = 1;
    expect(await fingerprintBlob(new Blob([end]))).not.toBe(base);
    const unsampled = bytes.slice();
    unsampled[3 * 2 ** 20] = 1; // between the samples: not seen (the size and the parsed summary are checked too)
    expect(await fingerprintBlob(new Blob([unsampled]))).toBe(base);
  });
});
