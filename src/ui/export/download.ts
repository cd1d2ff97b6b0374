/** Saves bytes or text as a file download (an object URL behind a temporary <a download>). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(text: string, fileName: string, type = 'application/json'): void {
  downloadBlob(new Blob([text], { type }), fileName);
}

export function downloadBytes(bytes: Uint8Array, fileName: string, type = 'application/octet-stream'): void {
  // Copy into a fresh ArrayBuffer-backed array: Blob wants ArrayBuffer, not a possibly shared buffer.
  downloadBlob(new Blob([new Uint8Array(bytes)], { type }), fileName);
}

/** Saves one of the session's export files (session/run_files.ts). */
export function downloadFile(file: { name: string; data: string | Uint8Array | Blob; type: string }): void {
  if (file.data instanceof Blob) downloadBlob(file.data, file.name);
  else if (typeof file.data === 'string') downloadText(file.data, file.name, file.type);
  else downloadBytes(file.data, file.name, file.type);
}
