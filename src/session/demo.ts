/**
 * Demo loading: the shipped demo set (public/demo/, copied to dist/demo/ by Vite; built by tools/demo/build_demo.py).
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

/** Reads a fetch response to the end, reporting bytes as they arrive. */
export async function readWithProgress(response: Response, onProgress: (read: number, total: number) => void): Promise<ArrayBuffer> {
  const total = Number(response.headers.get('content-length') ?? 0);
  if (!response.body) return response.arrayBuffer();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    read += value.byteLength;
    onProgress(read, Math.max(total, read));
  }
  const out = new Uint8Array(read);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out.buffer;
}

export interface DemoLoader {
  /** Fetches the manifest, then the set it names, with progress; resolves with the bytes as a Blob and its name. */
  fetchDemo(): Promise<{ blob: Blob; name: string }>;
}

export function createDemoLoader(
  deps: { fetch: typeof fetch },
  callbacks: { onStart(name: string, bytes: number): void; onProgress(read: number, total: number): void },
): DemoLoader {
  return {
    async fetchDemo() {
      const manifest = await deps.fetch(DEMO_MANIFEST_URL);
      if (!manifest.ok) throw new Error(`no demo set here: ${DEMO_MANIFEST_URL} answered HTTP ${manifest.status}`);
      const demo = demoFileUrl(await manifest.text());
      callbacks.onStart(demo.name, demo.bytes ?? 0);
      const response = await deps.fetch(demo.url);
      if (!response.ok) throw new Error(`could not fetch the demo set ${demo.url} (HTTP ${response.status})`);
      const buffer = await readWithProgress(response, (read, total) => callbacks.onProgress(read, Math.max(total, demo.bytes ?? 0)));
      return { blob: new Blob([buffer]), name: demo.name }; // a Blob: kept to put back into a restarted worker
    },
  };
}
