import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobSource } from './blob_source.ts';
import { readZipDirectory } from './zip.ts';
import { zipBlob } from './zip_write.ts';

const files = [
  { name: 'config.json', bytes: new TextEncoder().encode('{"model_type": "distilbert"}\n') },
  { name: 'student/model.safetensors', bytes: Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff) },
  { name: 'empty.txt', bytes: new Uint8Array(0) },
  { name: 'ünïcode.md', bytes: new TextEncoder().encode('ok') },
];

describe('zipBlob', () => {
  it('is read back by our zip reader with the right sizes and CRCs', async () => {
    const blob = zipBlob(files);
    const entries = await readZipDirectory(new BlobSource(blob));
    expect(entries.map((e) => [e.name, e.method, e.uncompressedSize])).toEqual(files.map((f) => [f.name, 0, f.bytes.length]));
  });

  it('is a zip Python\'s zipfile extracts byte for byte (testzip: every CRC checked)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'zip-'));
    const file = path.join(dir, 'a.zip');
    writeFileSync(file, new Uint8Array(await zipBlob(files).arrayBuffer()));
    const script = `import zipfile, sys, json
z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
print(json.dumps({n: list(z.read(n)[:4]) + [len(z.read(n))] for n in z.namelist()}))`;
    const out = JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }));
    for (const f of files) expect(out[f.name]).toEqual([...Array.from(f.bytes.subarray(0, 4)), f.bytes.length]);
  });

  it('writes ZIP64 end records past 65,535 files, and Python reads them', async () => {
    const many = Array.from({ length: 65_600 }, (_, i) => ({ name: `f${i}`, bytes: new Uint8Array([i & 0xff]) }));
    const dir = mkdtempSync(path.join(tmpdir(), 'zip64-'));
    const file = path.join(dir, 'many.zip');
    writeFileSync(file, new Uint8Array(await zipBlob(many).arrayBuffer()));
    const out = execFileSync('python3', ['-c', 'import zipfile, sys; z = zipfile.ZipFile(sys.argv[1]); print(len(z.namelist()), z.read("f65599")[0])', file], { encoding: 'utf8' });
    expect(out.trim()).toBe(`65600 ${65_599 & 0xff}`);
  });

  it('gives the same bytes for the same files (fixed timestamps)', async () => {
    const [a, b] = await Promise.all([zipBlob(files).arrayBuffer(), zipBlob(files).arrayBuffer()]);
    expect(new Uint8Array(a)).toEqual(new Uint8Array(b));
  });
});
