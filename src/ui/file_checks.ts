/** Reading a fetched file with progress, and a first look at a safetensors file before it is stored. */

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

/** A quick sanity check of a safetensors file: 8-byte little-endian header length and a JSON header. */
export function checkSafetensors(bytes: Uint8Array) {
  if (bytes.byteLength < 8) throw new Error('the weights file is too short to be safetensors');
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8) throw new Error('the weights file is not safetensors (header length past the end)');
  try {
    JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new Error('the weights file is not safetensors (header is not JSON)');
  }
}
