/**
 * The shipped demo set (public/demo/, copied to dist/demo/ by Vite; built by tools/demo/build_demo.py).
 * Its manifest, demo.json, names the data file: `{ "file": "udhr-brown-mlm.safetensors", "bytes": …, … }`.
 * The one constant to change if the demo moves.
 */
export const DEMO_MANIFEST_URL = 'demo/demo.json';

/** The data file's URL from the manifest's text (resolved next to the manifest); throws if it names none. */
export function demoFileUrl(manifestText: string): { url: string; name: string; bytes?: number } {
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch {
    throw new Error(`${DEMO_MANIFEST_URL} is not JSON`);
  }
  if (typeof manifest !== 'object' || manifest === null || !('file' in manifest) || typeof manifest.file !== 'string' || !/^[\w.-]+$/.test(manifest.file)) {
    throw new Error(`${DEMO_MANIFEST_URL} names no data file ("file")`);
  }
  const base = DEMO_MANIFEST_URL.slice(0, DEMO_MANIFEST_URL.lastIndexOf('/') + 1);
  const bytes = 'bytes' in manifest && typeof manifest.bytes === 'number' ? manifest.bytes : undefined;
  return { url: base + manifest.file, name: manifest.file, bytes };
}
