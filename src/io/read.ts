/**
 * readDistillSet: Blob/File → validated DistillSet. The container is chosen by file extension, else by the
 * first bytes, through a registry (name → reader); the contract (contract.ts) is the same for all.
 */
import { BlobSource, type ReadOptions } from './blob_source.ts';
import { toDistillSet } from './contract.ts';
import type { DistillSet } from './distill_set.ts';
import { FormatError } from './errors.ts';
import { readJsonl } from './jsonl_read.ts';
import { readNpz } from './npz_read.ts';
import type { TensorFile } from './raw_tensor.ts';
import { readSafetensors } from './safetensors_read.ts';

export interface ContainerReader {
  /** Lower-case extensions with the dot. */
  extensions: readonly string[];
  /** True when the first bytes (up to SNIFF_BYTES) look like this container. */
  sniff: (head: Uint8Array) => boolean;
  read: (blob: Blob, opts?: ReadOptions) => Promise<TensorFile>;
}

export const SNIFF_BYTES = 16;

export const READERS: Readonly<Record<string, ContainerReader>> = {
  safetensors: {
    extensions: ['.safetensors'],
    // u64 header length, then the JSON header's opening brace
    sniff: (h) => h.length >= 9 && h[8] === 0x7b && h[6] === 0 && h[7] === 0,
    read: readSafetensors,
  },
  npz: {
    extensions: ['.npz'],
    sniff: (h) => h[0] === 0x50 && h[1] === 0x4b && (h[2] === 3 || h[2] === 5) && (h[3] === 4 || h[3] === 6), // PK\3\4 or PK\5\6
    read: readNpz,
  },
  jsonl: {
    extensions: ['.jsonl', '.ndjson'],
    sniff: (h) => {
      const i = h.findIndex((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
      return i >= 0 && h[i] === 0x7b; // '{' after whitespace / a UTF-8 BOM
    },
    read: readJsonl,
  },
};

/** Name of the reader for this file: by extension, else by magic bytes; throws 'unknown_container'. */
export async function pickContainer(blob: Blob, name: string): Promise<string> {
  const lower = name.toLowerCase();
  for (const [key, r] of Object.entries(READERS)) if (r.extensions.some((ext) => lower.endsWith(ext))) return key;
  const head = await new BlobSource(blob).read(0, Math.min(SNIFF_BYTES, blob.size), 'file start');
  for (const [key, r] of Object.entries(READERS)) if (r.sniff(head)) return key;
  const known = Object.values(READERS).flatMap((r) => r.extensions).join(' | ');
  throw new FormatError('unknown_container', `cannot tell the container of "${name}"`, { expected: known, found: name });
}

/** Decodes the container into tensors + metadata, without the contract (e.g. for student.safetensors). */
export async function readTensorFile(blob: Blob, name: string, opts?: ReadOptions): Promise<TensorFile> {
  return READERS[await pickContainer(blob, name)].read(blob, opts);
}

/** Reads, decodes and validates a distillation set. Rejects with FormatError (or the abort reason). */
export async function readDistillSet(blob: Blob, name: string, opts?: ReadOptions): Promise<DistillSet> {
  return toDistillSet(await readTensorFile(blob, name, opts));
}
