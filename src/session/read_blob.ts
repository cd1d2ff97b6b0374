/**
 * Blob contents as text or bytes. Browsers have Blob.text()/arrayBuffer(); the FileReader path serves
 * environments that lack them (jsdom in the component tests).
 */
function viaFileReader(blob: Blob, as: 'text' | 'buffer'): Promise<string | ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result ?? '');
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    if (as === 'text') reader.readAsText(blob);
    else reader.readAsArrayBuffer(blob);
  });
}

export async function blobText(blob: Blob): Promise<string> {
  if (typeof blob.text === 'function') return blob.text();
  const out = await viaFileReader(blob, 'text');
  return typeof out === 'string' ? out : new TextDecoder().decode(out);
}

export async function blobBytes(blob: Blob): Promise<Uint8Array> {
  if (typeof blob.arrayBuffer === 'function') return new Uint8Array(await blob.arrayBuffer());
  const out = await viaFileReader(blob, 'buffer');
  return typeof out === 'string' ? new TextEncoder().encode(out) : new Uint8Array(out);
}
